# py311
# requirements:
# annotated-types==0.7.0
# pydantic==2.13.4
# pydantic-core==2.46.4
# typing-extensions==4.16.0
# typing-inspection==0.4.2
"""Step 1 of f/nix/build: write the per-VM flake.nix and default.nix, and print both.

What it does, by hand (``nix/`` is ``$WORKERS_DIR/$WORKER_INDEX/nix``)::

    mkdir nix/.generations/<vm>/<id>
    sed 's|"path:/path/to/nixos-flake"|"path:'"$NIXOS_FLAKE_DIR"'"|' \
        "$NIXOS_FLAKE_DIR/templates/imageless/flake.nix" > nix/.generations/<vm>/<id>/flake.nix
    $EDITOR nix/.generations/<vm>/<id>/default.nix        # from the inputs
    cp nix/<vm>/flake.lock nix/.generations/<vm>/<id>/     # the previous pins
    ln -s .generations/<vm>/<id> nix/.<vm>.link && mv -T nix/.<vm>.link nix/<vm>

flake.nix also gets one ``<pkg>-src`` input per source override. The last
line is the swap: the VM's link moves to the new generation in one rename,
so a run killed at any point leaves the previous generation whole. When
neither file changes, no generation is made; the last three are kept.
Nothing is written before every input has been checked.
"""

import os
from typing import Literal

from f.nix.common.atomic_files import has_text, write_text_atomic
from f.nix.common.build_options import build_options
from f.nix.common.config_generations import new_generation
from f.nix.common.errors import FlowInputError, LibraryError
from f.nix.common.interrupts import unwind_on_sigterm
from f.nix.common.joblog import log, log_file
from f.nix.common.library import library_dir
from f.nix.common.managed_key import with_managed_key
from f.nix.common.raw_inputs import check_flow_inputs
from f.nix.common.render_nix import TEMPLATE, render_default, render_flake
from f.nix.common.vm_config import parse_vm_config, with_home_resolved
from f.nix.common.vm_lease import vm_lease
from f.nix.common.vm_state import save_state
from f.nix.common.worker_policy import check_path_source
from f.nix.common.workspace import workspace_for


def main(
    vm_name: str = "nixos",
    user_name: str = "kdevops",
    profiles: list[Literal["build-tools", "controller", "devel", "monitoring"]] | None = None,
    test_suites: list[
        Literal[
            "blktests",
            "fstests",
            "gitr",
            "kunit",
            "ltp",
            "mmtests",
            "pynfs",
            "selftests",
            "sysbench",
            "usertests",
        ]
    ]
    | None = None,
    shares: dict | None = None,
    storage: dict | None = None,
    ssh_keys: list[str] | None = None,
    overrides: list[dict] | None = None,
    extra_groups: list[str] | None = None,
    extra_packages: list[str] | None = None,
    home: bool = False,
    home_dir: str = "",
    flow_input: dict | None = None,
) -> dict:
    """Render the config of VM ``vm_name`` under ``$WORKERS_DIR/$WORKER_INDEX/nix/``.

    profiles / test_suites: None selects the featured default (profiles devel,
    build-tools, monitoring and every suite); [] selects none.
    shares: [{"mount_point": "/guest/mount/point", "tag": "virtiofs-tag",
    "options": ["ro"]}], or the map by mount point it stands for,
    {"/guest/mount/point": {"tag": ..., "options": [...]}} (a bare tag string
    is accepted as the value too).
    storage: [{"mount_point": ..., "device": "/dev/vdb", "fs_type": "xfs",
    "options": [...], "mkfs_args": [...], "auto_format": false, "nofail":
    true}], or the map by mount point: block devices, formatted once when
    blank (mkfs_args or auto_format).
    (The hints say dict: they are what the script's own schema shows.)
    overrides: [{"pkg": "fio", "src": "/abs/checkout" or a git URL,
    "ref": "branch (URLs only)", "attrs": {"version": "..."} or [{"name":
    "version", "value": "..."}]}]. Blank list entries are left out.
    extra_groups: the user's supplementary groups, replacing the library's
    default; None or [] keeps the default.
    home / home_dir: mount the operator's home from the host (virtiofs tag
    "home") at home_dir and make it root's home; home_dir defaults to the
    worker's $HOME when it is under /home, else /home/<user_name>.
    flow_input: the flow's whole input (f/nix/build wires it), refused
    when it holds a group or key the flow does not take; the server passes
    such keys on unchecked.
    """
    unwind_on_sigterm()
    check_flow_inputs(flow_input)
    # build_closure's inputs too, so that a bad one is refused before anything is written.
    build = (flow_input or {}).get("build") or {}
    build_options(
        build.get("substituters"),
        build.get("trusted_public_keys"),
        build.get("builders", ""),
        build.get("max_jobs"),
    )
    config = parse_vm_config(
        vm_name=vm_name,
        user_name=user_name,
        profiles=profiles,
        test_suites=test_suites,
        shares=shares,
        storage=storage,
        # The worker's own key last; parse_vm_config drops a repeat.
        ssh_keys=with_managed_key(ssh_keys),
        overrides=overrides,
        extra_groups=extra_groups,
        extra_packages=extra_packages,
        home=home,
        home_dir=home_dir,
    )
    # home_dir left empty: the worker's $HOME when under /home, else /home/<user_name>.
    config = with_home_resolved(config, os.environ.get("HOME", ""))
    for index, override in enumerate(config.overrides):
        if override.is_path:
            check_path_source(f"overrides[{index}].src", override.src)
            if not os.path.exists(override.src):
                raise FlowInputError(
                    f"overrides[{index}].src: {override.src!r} (package {override.pkg!r}) "
                    "does not exist on this worker"
                )
    library = library_dir()
    template = library / TEMPLATE
    if not template.is_file():
        raise LibraryError(
            f"template missing: {template} does not exist; the nixos-flake library at "
            f"{library} is incomplete"
        )
    flake_nix = render_flake(template.read_text(encoding="utf-8"), template, library, config)
    default_nix = render_default(config)
    workspace = workspace_for(config.vm_name)
    config_dir = workspace.config_dir

    workspace.ensure_root()
    with vm_lease(workspace, "render_config"):
        current = workspace.generation()
        texts = {"flake.nix": flake_nix, "default.nix": default_nix}
        changed = [
            name
            for name, text in texts.items()
            if current is None or not has_text(current / name, text)
        ]
        if changed:
            with new_generation(workspace) as staging:
                for name, text in texts.items():
                    write_text_atomic(staging / name, text)
        # What the run was given, as checked: part of the closure's provenance.
        save_state(workspace, "render", config.model_dump(mode="json"))
    log_file(str(config_dir / "flake.nix"), flake_nix)
    log_file(str(config_dir / "default.nix"), default_nix)
    log(f"rendered {config_dir}: {', '.join(changed) + ' changed' if changed else 'unchanged'}")
    return {
        "config_dir": str(config_dir),
        "vm_name": config.vm_name,
        "library_dir": str(library),
        "profiles": list(config.profiles),
        "test_suites": list(config.test_suites),
        "changed": changed,
    }
