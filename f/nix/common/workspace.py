# py311
# requirements:
"""The per-VM workspaces of this worker: the one module that knows their layout.

Under ``$WORKERS_DIR/$WORKER_INDEX/nix/`` (the *nix root*)::

    <vm>                      -> .generations/<vm>/<id>   the VM's link: config_dir
    .generations/<vm>/<id>/   one generation: flake.nix, default.nix, flake.lock
    .gcroots/<vm>             the out-link of the last good build, a GC root
    .gcroots/<vm>.previous    the build before it, kept for a guest still running it
    .gcroots/<vm>.provenance.json  what that build was made from
    .leases/<vm>              the flow run that holds the VM, while one does
    .state/<vm>.json          what the VM was last locked, built and dry-run from

Everything but the generations sits outside the flake directory on purpose:
``path:`` flakes copy the whole directory, so a link or state file inside it
would change the flake's source on every run and defeat nix's evaluation
cache.

``render_config`` opens a workspace by VM name. The later steps get the
``config_dir`` it returned back from their caller, who may be anyone allowed
to run a script over Windmill's REST API, so ``open_workspace`` accepts only
a VM link this flow made under this worker's nix root, and refuses anything
else before a file is touched or a process started.
"""

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from f.nix.common.errors import FlowInputError
from f.nix.common.flake_ref import check_flake_safe_path
from f.nix.common.input_checks import check_vm_name
from f.nix.common.windmill_env import in_windmill_job, in_windmill_job_hint, worker_variable

GENERATIONS = ".generations"
GC_ROOTS = ".gcroots"
LEASES = ".leases"
STATE = ".state"


def nix_root() -> Path:
    """``$WORKERS_DIR/$WORKER_INDEX/nix``, checked but not created.

    Outside Windmill an unset WORKER_INDEX means 0. Inside a Windmill job
    both must be set: the worker passes a job only the variables its
    WHITELIST_ENVS lists, and a missing WORKER_INDEX would quietly put every
    worker's VMs in one directory.
    """
    workers_dir = worker_variable("WORKERS_DIR")
    if not workers_dir:
        raise FlowInputError(
            "WORKERS_DIR is not set: set it on the worker to an absolute directory "
            "that holds the per-VM configs (for example /var/lib/windmill/workers)"
            + in_windmill_job_hint("WORKERS_DIR")
        )
    root = Path(workers_dir)
    if not root.is_absolute():
        raise FlowInputError(
            f"WORKERS_DIR: {workers_dir!r} is relative; it must be an absolute path "
            "(path: flake references do not expand relative paths or ~)"
        )
    worker_index = worker_variable("WORKER_INDEX")
    if worker_index is None and in_windmill_job():
        raise FlowInputError(
            "WORKER_INDEX is not set: give each worker process its own index (0, 1, ...) so "
            "that workers sharing WORKERS_DIR keep their VMs apart"
            + in_windmill_job_hint("WORKER_INDEX")
        )
    if worker_index is None:
        worker_index = "0"
    if not worker_index.isascii() or not worker_index.isdigit():
        raise FlowInputError(
            f"WORKER_INDEX: {worker_index!r} is not allowed; it must be a "
            "non-negative whole number (unset means 0)"
        )
    return check_flake_safe_path(Path(os.path.normpath(root)) / worker_index / "nix", "WORKERS_DIR")


@dataclass(frozen=True)
class Workspace:
    """One VM's files under the nix root."""

    root: Path
    vm_name: str

    @property
    def config_dir(self) -> Path:
        """The VM's link to its current generation, the ``config_dir`` the steps pass on."""
        return self.root / self.vm_name

    @property
    def generations(self) -> Path:
        return self.root / GENERATIONS / self.vm_name

    @property
    def gc_root(self) -> Path:
        return self.root / GC_ROOTS / self.vm_name

    @property
    def previous_gc_root(self) -> Path:
        return self.root / GC_ROOTS / f"{self.vm_name}.previous"

    @property
    def provenance(self) -> Path:
        return self.root / GC_ROOTS / f"{self.vm_name}.provenance.json"

    @property
    def lease(self) -> Path:
        return self.root / LEASES / self.vm_name

    @property
    def state(self) -> Path:
        return self.root / STATE / f"{self.vm_name}.json"

    def generation(self) -> Path | None:
        """The generation the VM's link points to; None before the first render.

        Refuses a link that points anywhere but one of this VM's generations,
        and anything at the link's place that is not a link.
        """
        link = self.config_dir
        if not link.is_symlink():
            if os.path.lexists(link):
                raise FlowInputError(
                    f"config_dir: {str(link)!r} is not a VM link made by this flow; remove it "
                    "or pick another vm_name"
                )
            return None
        target = link.resolve()
        if target.parent != self.generations.resolve() or not target.is_dir():
            raise FlowInputError(
                f"config_dir: {str(link)!r} does not point to one of its generations under "
                f"{self.generations}; it was not made by this flow"
            )
        return target

    def ensure_root(self) -> None:
        """Create the nix root, saying what is wrong if it cannot be created or written."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = self.root / f".write-test-{os.getpid()}"
            probe.touch()
            probe.unlink()
        except OSError as error:
            raise FlowInputError(
                f"WORKERS_DIR: cannot write under {self.root} ({error.strerror}); set "
                "WORKERS_DIR to a directory this worker can create and write"
            ) from None


def workspace_for(vm_name: str) -> Workspace:
    """The workspace of VM ``vm_name`` on this worker (a name check_vm_name accepts)."""
    return Workspace(nix_root(), check_vm_name(vm_name))


def _refuse(config_dir: object, why: str) -> FlowInputError:
    return FlowInputError(
        f"config_dir: {config_dir!r} is not allowed; {why}. Pass the config_dir that "
        "render_config returned for this VM on this worker"
    )


def open_workspace(config_dir: object) -> Workspace:
    """The workspace whose VM link is ``config_dir``, as render_config returned it.

    Only ``<nix root>/<vm_name>``, written out plainly (absolute, no ``.``,
    ``..``, doubled or trailing ``/``), naming a VM link that points to one of
    that VM's generations, is accepted: not a generation itself, not another
    worker's VM, not a link that leads out of the nix root, not the library.
    """
    if not isinstance(config_dir, str):
        raise _refuse(config_dir, "it must be a path (a string)")
    if "\0" in config_dir or not config_dir.isprintable():
        raise _refuse(config_dir, "it holds control characters")
    path = PurePosixPath(config_dir)
    if (
        not path.is_absolute()
        or str(path) != config_dir
        or config_dir.startswith("//")
        or ".." in path.parts
    ):
        raise _refuse(
            config_dir, "it must be an absolute path without '.', '..', '//' or a final '/'"
        )
    root = nix_root()
    if Path(path.parent) not in (root, root.resolve()):
        raise _refuse(config_dir, f"this worker's VMs are the entries of {root}")
    try:
        workspace = Workspace(root, check_vm_name(path.name))
    except ValueError as error:
        raise _refuse(config_dir, str(error)) from None
    generation = workspace.generation()
    if generation is None or not (generation / "flake.nix").is_file():
        raise _refuse(config_dir, "no such VM has been rendered on this worker")
    return workspace
