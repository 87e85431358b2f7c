"""A nixpkgs tree wrapped by ``wrapper/`` so that it answers like the library's pin.

Shared by the real-NixOS tests and the benchmark: ``wrap_tree`` turns the
value of $NIXPKGS (a directory or a flake reference) into a flake reference
the flow takes as its ``nixpkgs`` input.
"""

import os
import re
import shutil
from pathlib import Path

from f.nix.common.nix_command import nix_argv
from tests import support

WRAPPER = Path(__file__).resolve().parent / "wrapper"
# The wrapper's declared nixpkgs, replaced by the tree under test in the copy
# that is locked.
WRAPPER_NIXPKGS_URL = '"github:NixOS/nixpkgs/nixos-24.05"'


class CommandFailed(AssertionError):
    """A command (nix, or the flow's runner) exited non-zero; ``output`` is its stderr."""

    def __init__(self, argv: list[str], output: str):
        self.output = output
        super().__init__(f"{' '.join(argv)} failed:\n{output}")


def nix(*args: str) -> str:
    """Run the nix CLI with flakes enabled and no binary cache; its stdout, or CommandFailed."""
    completed = support.nix(*args)
    if completed.returncode != 0:
        raise CommandFailed(nix_argv(args), completed.stderr)
    return completed.stdout


def tree_reference(value: str) -> str:
    """$NIXPKGS as a flake reference; a directory is first put into the store, once.

    nix copies a ``path:`` input into the store as "source" whenever it is
    not already a store path of that name: 365 MB hashed on every lock and
    evaluation. Adding it once under that name makes every later use free.
    """
    if not os.path.isabs(value):
        return value
    if not os.path.isdir(value):
        raise ValueError(f"NIXPKGS={value} is not a directory")
    if not (Path(value) / "lib" / ".version").is_file():
        raise ValueError(f"NIXPKGS={value} holds no nixpkgs tree (no lib/.version)")
    if re.fullmatch(r"/nix/store/[a-z0-9]{32}-source", value):
        return f"path:{value}"
    stored = nix("store", "add-path", "--name", "source", value).strip()
    return f"path:{stored}"


def wrap_tree(value: str, directory: Path) -> str:
    """A locked copy of the wrapper in ``directory`` around the tree; its flake reference."""
    reference = tree_reference(value)
    shutil.copytree(WRAPPER, directory)
    flake = directory / "flake.nix"
    text = flake.read_text(encoding="utf-8")
    if text.count(WRAPPER_NIXPKGS_URL) != 1:
        raise ValueError(f"{WRAPPER}/flake.nix must declare nixpkgs as {WRAPPER_NIXPKGS_URL}")
    flake.write_text(text.replace(WRAPPER_NIXPKGS_URL, f'"{reference}"'), encoding="utf-8")
    # A flake's own lock is not consulted for the inputs of an input that
    # another flake overrides (Nix 2.8), so the tree goes into the url itself.
    nix("flake", "lock", f"path:{directory}")
    return f"path:{directory}"
