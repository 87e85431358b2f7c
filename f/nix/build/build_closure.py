# py311
# requirements:
# anyio==4.16.0
# certifi==2026.5.20
# h11==0.16.0
# httpcore==1.0.9
# httpx==0.28.1
# idna==3.13
# typing-extensions==4.16.0
# wmill==1.850.0
"""Step 3 of f/nix/build: build the toplevel and read init and initrd from its bootspec.

What it runs, by hand (``nix`` stands for ``nix --extra-experimental-features
'nix-command flakes'``; ``$gen`` is the generation the VM's link points to)::

    nix build <last build> --out-link nix/.gcroots/<vm>.previous
    nix build "path:$gen#toplevel" --json --out-link nix/.gcroots/<vm>
    jq -r '."org.nixos.bootspec.v1" | .init, .initrd' <toplevel>/boot.json
    nix path-info --json --recursive --closure-size <toplevel>

or, with ``dry_run``, only ``nix build "path:$gen#toplevel" --json --dry-run``.

nix is skipped when running it could only give the last answer again: a
build while the generation is the one last built and the GC root still holds
its toplevel; a dry run while the generation, the build options and the
store (vm_state, store_stamp) are as they were at the last dry run, for an
hour at most.
"""

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from f.nix.common.bootspec import Bootspec, read_bootspec
from f.nix.common.build_options import BuildOptions, build_options
from f.nix.common.closure_report import closure_changes, closure_stats, dry_run_plan
from f.nix.common.errors import BootspecError, NixCommandError
from f.nix.common.flake_lock import explain_stale_pin
from f.nix.common.interrupts import unwind_on_sigterm
from f.nix.common.joblog import log
from f.nix.common.live_switch import switch_plan
from f.nix.common.nix_command import NixRun, run_nix
from f.nix.common.provenance import provenance, write_provenance
from f.nix.common.raw_inputs import check_bool
from f.nix.common.store_stamp import store_stamp
from f.nix.common.vm_lease import vm_lease
from f.nix.common.vm_state import fingerprint, load_state, save_state
from f.nix.common.workspace import Workspace, open_workspace

ATTRIBUTE = "toplevel"
# How long an unchanged dry run's answer is reused: nix itself remembers that
# a binary cache lacks a path for an hour (narinfo-cache-negative-ttl).
DRY_RUN_REUSE_SECONDS = 3600


def build_args(
    flake_ref: str, gc_root: Path | None, options: BuildOptions | None = None
) -> list[str]:
    """``nix build`` of the toplevel, its out-link at ``gc_root``; a dry run when that is None."""
    # --json rather than --print-out-paths, which only exists since Nix 2.9.
    # No -L: it would replace the internal-json log format, which carries the
    # build logs anyway.
    extra = options.nix_args() if options else []
    args = ["build", f"{flake_ref}#{ATTRIBUTE}", "--json", *extra]
    return [*args, "--dry-run"] if gc_root is None else [*args, "--out-link", str(gc_root)]


def toplevel_from_json(stdout: str) -> str:
    try:
        return json.loads(stdout)[0]["outputs"]["out"]
    except (json.JSONDecodeError, LookupError, TypeError):
        raise RuntimeError(
            f"cannot read the built path from nix build --json: {stdout!r}"
        ) from None


def _rooted(link: Path) -> str | None:
    """The store path a GC-root link holds, while both the link and the path exist."""
    if not link.is_symlink():
        return None
    target = os.readlink(link)
    return target if Path(target).is_dir() else None


def _still_built(last: dict, config: str, gc_root: Path) -> bool:
    """The last build was of this very config and its GC root still holds the result."""
    toplevel = last.get("toplevel")
    return last.get("config") == config and toplevel is not None and _rooted(gc_root) == toplevel


def _keep_previous(workspace: Workspace) -> None:
    """Root the last build as the previous one before a new build replaces it.

    A guest booted from it keeps running on it (its store is the host's)
    until it is switched or restarted; without a root, the host's next
    garbage collection would take its programs away under it.
    """
    target = _rooted(workspace.gc_root)
    previous = workspace.previous_gc_root
    if target is None or _rooted(previous) == target:
        return
    run_nix(["build", target, "--out-link", str(previous)])


def _previous_bootspec(workspace: Workspace) -> Bootspec | None:
    """The bootspec of the build before the last, while it is kept; None otherwise."""
    previous = _rooted(workspace.previous_gc_root)
    if previous is None:
        return None
    try:
        return read_bootspec(Path(previous))
    except BootspecError:
        return None


def _nix_build(workspace: Workspace, args: list[str]) -> NixRun:
    try:
        return run_nix(args)
    except NixCommandError as error:
        raise explain_stale_pin(error, workspace.config_dir) from error


def plan_build(workspace: Workspace, generation: Path, options: BuildOptions) -> dict:
    """What building the generation would build and fetch, without building.

    The answer depends on the config, the options and which paths the store
    holds; while none of them changed (and for at most an hour), the last
    answer is the answer.
    """
    key = {"config": fingerprint(generation), "options": options.nix_args()}
    last = load_state(workspace).get("dry_run", {})
    fresh = time.time() - last.get("at", 0) < DRY_RUN_REUSE_SECONDS
    stamp = store_stamp()
    if stamp is not None and fresh and last.get("key") == {**key, "store": stamp}:
        log(f"{generation.name} and the store are unchanged since its dry run: not running nix")
        plan = last["plan"]
    else:
        build = _nix_build(workspace, build_args(f"path:{generation}", None, options))
        plan = {"toplevel": toplevel_from_json(build.stdout), **dry_run_plan(build.messages)}
        # Stamped after nix, whose own writes (the .drv files) are part of this answer.
        save_state(
            workspace,
            "dry_run",
            {"key": {**key, "store": store_stamp()}, "at": time.time(), "plan": plan},
        )
    return {"dry_run": True, "config_dir": str(workspace.config_dir), **plan}


@dataclass(frozen=True)
class Closure:
    """A built toplevel, its bootspec, what building it took and what changed since the last."""

    toplevel: str
    bootspec: Bootspec
    stats: dict
    provenance: dict
    built: int = 0
    fetched: int = 0
    # Packages that changed since the VM's previous build ([] on a first
    # build; None when that closure has been garbage-collected), and how the
    # closure's size moved.
    changes: list[dict] | None = field(default_factory=list)
    closure_bytes_change: int | None = 0


def _changes_since(last: dict, toplevel: str, stats: dict) -> tuple[list[dict] | None, int | None]:
    previous = last.get("toplevel")
    if previous is None:
        return [], None
    if not Path(previous).is_dir():
        log(f"the previous closure {previous} has been garbage-collected: no changes to show")
        return None, None
    size_change = stats["closure_bytes"] - last["stats"]["closure_bytes"]
    if previous == toplevel:
        return [], size_change
    return closure_changes(previous, toplevel), size_change


def build(workspace: Workspace, generation: Path, options: BuildOptions) -> Closure:
    """Build the generation's toplevel, or return the last build of this very generation."""
    config = fingerprint(generation)
    last = load_state(workspace).get("build", {})
    if _still_built(last, config, workspace.gc_root):
        log(f"{generation.name} is unchanged since it built {last['toplevel']}: not running nix")
        bootspec = read_bootspec(Path(last["toplevel"]))
        return Closure(last["toplevel"], bootspec, last["stats"], last.get("provenance", {}))
    workspace.gc_root.parent.mkdir(parents=True, exist_ok=True)
    _keep_previous(workspace)
    run = _nix_build(workspace, build_args(f"path:{generation}", workspace.gc_root, options))
    toplevel = toplevel_from_json(run.stdout)
    # Remembered only once the bootspec is known to be good.
    bootspec = read_bootspec(Path(toplevel))
    stats = closure_stats(toplevel)
    changes, size_change = _changes_since(last, toplevel, stats)
    record = provenance(workspace, generation, toplevel, options)
    write_provenance(workspace, record)
    save_state(
        workspace,
        "build",
        {"config": config, "toplevel": toplevel, "stats": stats, "provenance": record},
    )
    return Closure(
        toplevel,
        bootspec,
        stats,
        record,
        len(run.built),
        len(run.fetched),
        changes,
        size_change,
    )


def main(
    config_dir: str,
    dry_run: bool = False,
    substituters: list[str] | None = None,
    trusted_public_keys: list[str] | None = None,
    builders: str = "",
    max_jobs: int | None = None,
) -> dict:
    """Build ``path:<config_dir>#toplevel``; return the closure and its boot entry points.

    The out-link (a GC root) lives beside the config dir, in ``.gcroots/``: it
    keeps the last good closure alive, and nix replaces it only after a
    build succeeds.
    dry_run: only report what would be built and fetched (``will_build``,
    ``will_fetch``); nothing is built and the GC root stays as it was.
    substituters / trusted_public_keys: binary caches to use instead of
    nix.conf's, and the keys they sign with (air-gapped mirrors); empty keeps
    nix.conf's.
    builders / max_jobs: remote builders (nix's ``--builders`` syntax) and
    how many local builds may run at once (0: only remote).
    """
    started = time.monotonic()
    unwind_on_sigterm()
    dry_run = check_bool("dry_run", dry_run)
    options = build_options(substituters, trusted_public_keys, builders, max_jobs)
    workspace = open_workspace(config_dir)
    with vm_lease(workspace, "build_closure", last_step=True) as run:
        generation = workspace.generation()
        if dry_run:
            return plan_build(workspace, generation, options)
        closure = build(workspace, generation, options)
    seconds = {**run.seconds, "build_closure": round(time.monotonic() - started, 3)}
    bootspec, stats = closure.bootspec, closure.stats
    log(
        f"built {closure.toplevel}\n  init:   {bootspec.init}\n  initrd: {bootspec.initrd}\n"
        f"  closure: {stats['store_paths']} store paths, {stats['closure_bytes']} bytes; "
        f"built {closure.built}, fetched {closure.fetched}"
    )
    return {
        "toplevel": closure.toplevel,
        "init": bootspec.init,
        "initrd": bootspec.initrd,
        "config_dir": str(workspace.config_dir),
        "gc_root": str(workspace.gc_root),
        "system": bootspec.system,
        "label": bootspec.label,
        "kernel_params": bootspec.kernel_params,
        "shares": bootspec.shares,
        **stats,
        "built": closure.built,
        "fetched": closure.fetched,
        "changes": closure.changes,
        "closure_bytes_change": closure.closure_bytes_change,
        "provenance": closure.provenance,
        "switch": switch_plan(closure.toplevel, _previous_bootspec(workspace), bootspec),
        "seconds": seconds,
    }
