"""A nixpkgs tree wrapped by ``wrapper/`` with stand-ins for what a truncated tree lacks.

Shared by the real-NixOS tests and the benchmark: ``wrap_tree`` turns the
value of $NIXPKGS (a directory or a flake reference) into a flake reference
the flow takes as its ``nixpkgs`` input, and says which release it is.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from f.nix.common.nix_command import NIX_FOR_SUPPORTED_NIXPKGS, NixVersion, nix_argv
from f.nix.common.nixpkgs_release import older_than, oldest_supported, release_of
from tests import support
from tests.real_nixos import eval_warnings

WRAPPER = Path(__file__).resolve().parent / "wrapper"
# The wrapper's declared nixpkgs, replaced by the tree under test in the copy
# that is locked.
WRAPPER_NIXPKGS_URL = '"github:NixOS/nixpkgs/nixos-26.05"'


@dataclass(frozen=True)
class Tree:
    """A wrapped tree: the flake reference the flow takes as ``nixpkgs``, its release and,
    when known, its commit."""

    reference: str
    release: str
    revision: str | None = None

    @property
    def name(self) -> str:
        """How the table names it: ``nixpkgs 26.05 (fd146203)``."""
        return f"nixpkgs {self.release}" + (f" ({self.revision[:8]})" if self.revision else "")


class CommandFailed(AssertionError):
    """A command (nix, or the flow's runner) exited non-zero; ``output`` is its stderr."""

    def __init__(self, argv: list[str], output: str):
        self.output = output
        super().__init__(f"{' '.join(argv)} failed:\n{output}")


def nix(*args: str) -> str:
    """Run the nix CLI with flakes enabled and no binary cache; its stdout, or CommandFailed."""
    completed = support.nix(*args)
    eval_warnings.heard(completed.stderr)
    if completed.returncode != 0:
        raise CommandFailed(nix_argv(args), completed.stderr)
    return completed.stdout


def revision_from_environment(variable: str = "NIXPKGS") -> str | None:
    """$<variable>_REVISION, the commit of the tree $<variable> names, when set
    (dev/lib/nixpkgs-trees sets it)."""
    return os.environ.get(f"{variable}_REVISION", "").strip() or None


def tree_reference(value: str, archive: Path) -> str:
    """$NIXPKGS as a flake reference; a directory is first archived to ``archive``.

    A ``path:`` input is hashed whole on every evaluation by Nix 2.34, even
    when it is already a store path: 365 MB, 15 to 25 seconds of system time
    per ``nix eval``. A ``tarball+file:`` input, as a ``github:`` one, is
    unpacked once into nix's tarball cache and then found there by its locked
    hash. The archive leaves out version control data (a checkout's .git).
    """
    if not os.path.isabs(value):
        return value
    if not os.path.isdir(value):
        raise ValueError(f"NIXPKGS={value} is not a directory")
    if not (Path(value) / "lib" / ".version").is_file():
        raise ValueError(f"NIXPKGS={value} holds no nixpkgs tree (no lib/.version)")
    tree = Path(value).resolve()
    # Every file dated 1970, as in a store path: nix takes the newest date in a
    # tarball as its lastModified, which goes into the guest's version string
    # (26.05.<date>.<rev>), and the day of the run must not change the system.
    create = ["tar", "--create", "--exclude-vcs", "--mtime=@0", "--file", str(archive)]
    subprocess.run([*create, "--directory", str(tree.parent), tree.name], check=True)
    return f"tarball+file://{quote(str(archive))}"


def tree_release(value: str, reference: str) -> str:
    """The release of the tree $NIXPKGS names: its lib/.version, or what its flake says."""
    release = release_of(Path(value)) if os.path.isabs(value) else None
    return release or nix("eval", "--raw", f"{reference}#lib.trivial.release").strip()


def wrap_tree(value: str, directory: Path, revision: str | None = None) -> Tree:
    """A locked copy of the wrapper in ``directory`` around the tree, which is the nixpkgs
    commit ``revision`` when given.

    Refuses, saying what to do, a tree the library does not support and a
    nix too old for any tree it supports.
    """
    if revision is not None and not re.fullmatch(r"[0-9a-f]{40}", revision):
        raise ValueError(f"a nixpkgs revision is 40 hexadecimal digits, not {revision!r}")
    oldest = oldest_supported(support.LIBRARY)
    version = NixVersion.parse(nix("--version"))
    if version < NIX_FOR_SUPPORTED_NIXPKGS:
        raise ValueError(
            f"the library supports nixpkgs {oldest} and newer, which need Nix "
            f"{NIX_FOR_SUPPORTED_NIXPKGS} or newer; this nix is {version}. Run it under current "
            f"Nix: NIXPKGS={value} dev/current-nix dev/real-nixos"
        )
    reference = tree_reference(value, directory.with_name(f"{directory.name}-nixpkgs.tar"))
    release = tree_release(value, reference)
    if older_than(release, oldest):
        raise ValueError(
            f"NIXPKGS={value} is nixpkgs {release}; the library supports {oldest} and newer "
            "(vendor/nixos-flake/nixpkgs-support.json)"
        )
    shutil.copytree(WRAPPER, directory)
    flake = directory / "flake.nix"
    text = flake.read_text(encoding="utf-8")
    if text.count(WRAPPER_NIXPKGS_URL) != 1:
        raise ValueError(f"{WRAPPER}/flake.nix must declare nixpkgs as {WRAPPER_NIXPKGS_URL}")
    flake.write_text(text.replace(WRAPPER_NIXPKGS_URL, f'"{reference}"'), encoding="utf-8")
    (directory / "lib").mkdir()
    (directory / "lib" / ".version").write_text(f"{release}\n", encoding="utf-8")
    if revision is not None:
        (directory / "lib" / ".git-revision").write_text(f"{revision}\n", encoding="utf-8")
    # A flake's own lock is not consulted for the inputs of an input that
    # another flake overrides (Nix 2.8), so the tree goes into the url itself.
    nix("flake", "lock", f"path:{directory}")
    return Tree(f"path:{directory}", release, revision)
