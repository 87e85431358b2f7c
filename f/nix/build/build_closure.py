"""Step 3 of f/nix/build: build the toplevel and read init and initrd from its bootspec."""

import json
from pathlib import Path

from f.nix.common.bootspec import read_bootspec
from f.nix.common.config_generations import current_generation
from f.nix.common.flake_lock import explain_stale_pin
from f.nix.common.interrupts import unwind_on_sigterm
from f.nix.common.joblog import log
from f.nix.common.nix_command import NixCommandError, run_nix
from f.nix.common.vm_lease import vm_lease
from f.nix.common.workdirs import existing_config_dir, gc_root_for

ATTRIBUTE = "toplevel"


def build_args(flake_ref: str, gc_root: Path) -> list[str]:
    # --json rather than --print-out-paths, which only exists since Nix 2.9.
    # No -L: it would replace the internal-json log format, which carries the
    # build logs anyway.
    return ["build", f"{flake_ref}#{ATTRIBUTE}", "--out-link", str(gc_root), "--json"]


def toplevel_from_json(stdout: str) -> str:
    try:
        return json.loads(stdout)[0]["outputs"]["out"]
    except (json.JSONDecodeError, LookupError, TypeError):
        raise RuntimeError(
            f"cannot read the built path from nix build --json: {stdout!r}"
        ) from None


def main(config_dir: str) -> dict:
    """Build ``path:<config_dir>#toplevel``; return the closure and its boot entry points.

    The out-link (a GC root) lives beside the config dir, in ``.gcroots/``: it
    keeps the last good closure alive, and nix replaces it only after a
    build succeeds.
    """
    unwind_on_sigterm()
    directory = existing_config_dir(config_dir)
    gc_root = gc_root_for(directory)
    gc_root.parent.mkdir(parents=True, exist_ok=True)
    with vm_lease(directory, "build_closure", last_step=True):
        generation = current_generation(directory)
        try:
            stdout = run_nix(build_args(f"path:{generation}", gc_root)).stdout
        except NixCommandError as error:
            raise explain_stale_pin(error, directory) from error
    toplevel = toplevel_from_json(stdout)
    bootspec = read_bootspec(Path(toplevel))
    log(f"built {toplevel}\n  init:   {bootspec.init}\n  initrd: {bootspec.initrd}")
    return {
        "toplevel": toplevel,
        "init": bootspec.init,
        "initrd": bootspec.initrd,
        "config_dir": str(directory),
        "gc_root": str(gc_root),
        "system": bootspec.system,
        "label": bootspec.label,
        "kernel_params": bootspec.kernel_params,
    }
