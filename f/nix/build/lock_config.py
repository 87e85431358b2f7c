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
"""Step 2 of f/nix/build: pin the per-VM flake's inputs in its flake.lock.

What it runs, by hand (``nix`` stands for ``nix --extra-experimental-features
'nix-command flakes'``; ``$new`` is a copy of the VM's generation)::

    nix flake lock "path:$new" [--override-input nixos-flake/nixpkgs <nixpkgs>]
    # re-pinning the library (update_lock) and every <pkg>-src override:
    nix flake update --flake "path:$new" nixos-flake fio-src        # Nix >= 2.19
    nix flake lock "path:$new" --update-input nixos-flake ...        # before 2.19

checks that the nixpkgs it pinned is a release the library supports (the
tree's ``lib/.version`` in the store), then swaps the VM's link to ``$new``
as render_config does: nix writes flake.lock in place, so it locks a copy
and the old lock stays whole until the new one is complete. Source
overrides are re-locked on every run, so a new commit in a checkout is
picked up. nix is skipped when flake.nix and the nixpkgs override are what
it last locked, nothing asks to re-pin and there is no source override.
"""

from collections.abc import Callable

from f.nix.common.config_generations import new_generation
from f.nix.common.errors import NixCommandError
from f.nix.common.flake_lock import (
    LIBRARY_INPUT,
    NIXPKGS_INPUT,
    explain_stale_pin,
    pinned,
    read_lock,
    source_inputs,
)
from f.nix.common.flake_ref import check_flake_reference
from f.nix.common.interrupts import unwind_on_sigterm
from f.nix.common.joblog import log
from f.nix.common.library import library_dir
from f.nix.common.nix_command import (
    FLAKE_UPDATE_SINCE,
    NixVersion,
    nix_version,
    run_nix,
)
from f.nix.common.nixpkgs_release import check_pinned_release
from f.nix.common.raw_inputs import check_bool, check_str
from f.nix.common.vm_lease import vm_lease
from f.nix.common.vm_state import fingerprint, load_state, save_state
from f.nix.common.worker_policy import check_path_source
from f.nix.common.workspace import open_workspace


def lock_args(
    flake_ref: str, version: Callable[[], NixVersion], update_inputs: list[str], nixpkgs: str
) -> list[str]:
    """The nix arguments that lock ``flake_ref``, re-locking ``update_inputs``.

    Nix 2.19 replaced ``nix flake lock --update-input X`` with
    ``nix flake update --flake REF X``; a plain lock is the same everywhere,
    so ``version`` is only asked when inputs are re-locked.
    """
    if not update_inputs:
        args = ["flake", "lock", flake_ref]
    elif version() >= FLAKE_UPDATE_SINCE:
        args = ["flake", "update", "--flake", flake_ref, *update_inputs]
    else:
        args = ["flake", "lock", flake_ref]
        for name in update_inputs:
            args += ["--update-input", name]
    if nixpkgs:
        args += ["--override-input", NIXPKGS_INPUT, nixpkgs]
    return args


def main(config_dir: str, update: bool = False, nixpkgs: str = "") -> dict:
    """Lock the config in ``config_dir`` (``nix flake lock path:<config_dir>``).

    Every ``<pkg>-src`` source override is re-locked on each run, so a new
    commit in a checkout is picked up without a manual bump.
    update: also re-pin the nixos-flake library to its current content.
    nixpkgs: a flake reference (``path:/srv/nixpkgs``, ``github:NixOS/nixpkgs/<rev>``)
    that replaces the library's nixpkgs; it is recorded in flake.lock and kept
    by later runs until ``update`` re-pins the library.
    """
    unwind_on_sigterm()
    update = check_bool("update", update)
    nixpkgs = check_flake_reference(check_str("nixpkgs", nixpkgs).strip(), "nixpkgs")
    workspace = open_workspace(config_dir)
    with vm_lease(workspace, "lock_config"):
        generation = workspace.generation()
        before = read_lock(generation)
        sources = source_inputs(before)
        # Re-locking copies each path source into the store again: the
        # administrator's roots may have narrowed since the VM was rendered.
        locked_before = pinned(before)
        for name in sources:
            locked = locked_before.get(name, {})
            if locked.get("type") == "path":
                check_path_source(f"overrides ({name})", locked["path"])
        update_inputs = ([LIBRARY_INPUT] if update else []) + sources
        last = load_state(workspace).get("lock", {})
        # An empty nixpkgs keeps whatever the lock already pins.
        record = {
            "flake.nix": fingerprint(generation, ("flake.nix",)),
            "nixpkgs": nixpkgs or last.get("nixpkgs", ""),
        }
        if before and not update_inputs and last == record:
            log("flake.lock is complete for this flake.nix and nothing asks to re-pin: not locking")
        else:
            # nix writes flake.lock in place; locking a copy keeps the old lock
            # whole until the new one is complete.
            with new_generation(workspace) as staging:
                try:
                    run_nix(lock_args(f"path:{staging}", nix_version, update_inputs, nixpkgs))
                except NixCommandError as error:
                    raise explain_stale_pin(error, workspace.config_dir) from error
                # Refused here, the new lock is dropped and the last good one stays.
                release = check_pinned_release(
                    pinned(read_lock(staging)).get(NIXPKGS_INPUT, {}), library_dir(), nix_version
                )
                log(f"nixpkgs release: {release or 'not known until nix fetches it'}")
            save_state(workspace, "lock", record)
        save_state(workspace, "lock_inputs", {"update_lock": update, "nixpkgs": nixpkgs})
        after = read_lock(workspace.generation())
    inputs = pinned(after)
    for name, locked in inputs.items():
        log(f"locked {name}: {locked}")
    return {
        "config_dir": str(workspace.config_dir),
        "flake_lock": str(workspace.config_dir / "flake.lock"),
        "changed": before != after,
        "inputs": inputs,
    }
