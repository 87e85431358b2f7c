"""Evaluation on a real NixOS tree, given in $NIXPKGS (see README.rst, "Evaluating on a real NixOS").

The tree is wrapped by ``wrapper/`` so that it answers like the library's
pinned nixos-25.11 for every name the library touches. Each test adds a row
to the table printed at the end of the run: what was evaluated, "evaluated"
or the first error, and the seconds it took.
"""

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from f.nix.common.nix_command import nix_argv
from tests.conftest import HAVE_NIX

HERE = Path(__file__).resolve().parent
WRAPPER = HERE / "wrapper"
# The wrapper's declared nixpkgs, replaced by the tree under test in the copy
# the tests lock.
WRAPPER_NIXPKGS_URL = '"github:NixOS/nixpkgs/nixos-24.05"'

HOW_TO_GET_A_TREE = (
    "NIXPKGS is not set: point it at a nixpkgs tree to evaluate the library and the flow on a "
    "real NixOS, e.g. NIXPKGS=/srv/nixpkgs dev/real-nixos. Without network, a NixOS 24.05 tree "
    "can be extracted from the repository ZLangJIT/termux-gcc-riscv with dev/extract-git-tree "
    "(README.rst, 'Evaluating on a real NixOS')"
)

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_NIX_ERROR = re.compile(r"^\s*error:\s*(\S.*)$")
_FLOW_WRAPPER = re.compile(r"^nix failed|^error: nix failed")


def first_error(text: str) -> str:
    """The first line in which nix states an error, without the flow's wrapping line."""
    for line in _ANSI.sub("", text).splitlines():
        found = _NIX_ERROR.match(line)
        if found and not _FLOW_WRAPPER.match(found.group(1)):
            return found.group(1).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


@dataclass(frozen=True)
class Row:
    subject: str
    outcome: str
    seconds: float


class EvaluationTable:
    """The rows this run adds; printed by pytest_terminal_summary."""

    def __init__(self) -> None:
        self.rows: list[Row] = []

    @contextmanager
    def row(self, subject: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        except CommandFailed as error:
            self.rows.append(Row(subject, first_error(error.output), time.monotonic() - started))
            raise
        except BaseException as error:
            if not isinstance(error, pytest.skip.Exception):
                self.rows.append(Row(subject, f"failed: {error}", time.monotonic() - started))
            raise
        self.rows.append(Row(subject, "evaluated", time.monotonic() - started))

    def render(self) -> list[str]:
        width = max(len(row.subject) for row in self.rows)
        lines = [f"{'config or check'.ljust(width)}  {'seconds':>7}  result"]
        lines += [
            f"{row.subject.ljust(width)}  {row.seconds:7.1f}  {row.outcome.splitlines()[0][:160]}"
            for row in self.rows
        ]
        return lines


TABLE = EvaluationTable()


def pytest_terminal_summary(terminalreporter) -> None:
    if TABLE.rows:
        terminalreporter.section("evaluation on a real NixOS")
        for line in TABLE.render():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def table() -> EvaluationTable:
    return TABLE


class CommandFailed(AssertionError):
    """A command (nix, or the flow's runner) exited non-zero; ``output`` is its stderr."""

    def __init__(self, argv: list[str], output: str):
        self.output = output
        super().__init__(f"{' '.join(argv)} failed:\n{output}")


def nix(*args: str, cwd: Path | None = None) -> str:
    """Run the nix CLI with flakes enabled and no binary cache; its stdout, or CommandFailed."""
    argv = nix_argv(args)
    completed = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "NIX_CONFIG": "substituters ="},
    )
    if completed.returncode != 0:
        raise CommandFailed(argv, completed.stderr)
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
        pytest.fail(f"NIXPKGS={value} is not a directory")
    if not (Path(value) / "lib" / ".version").is_file():
        pytest.fail(f"NIXPKGS={value} holds no nixpkgs tree (no lib/.version)")
    if re.fullmatch(r"/nix/store/[a-z0-9]{32}-source", value):
        return f"path:{value}"
    stored = nix("store", "add-path", "--name", "source", value).strip()
    return f"path:{stored}"


@pytest.fixture(scope="session")
def real_nixpkgs(tmp_path_factory) -> str:
    """A flake reference to the wrapped tree, for the flow's ``nixpkgs`` input."""
    value = os.environ.get("NIXPKGS", "").strip()
    if not value:
        pytest.skip(HOW_TO_GET_A_TREE)
    if not HAVE_NIX:
        pytest.skip("nix is not on PATH (Debian: apt-get install nix-bin; dev/setup does)")
    reference = tree_reference(value)
    wrapper = tmp_path_factory.mktemp("real-nixos") / "nixpkgs"
    shutil.copytree(WRAPPER, wrapper)
    flake = wrapper / "flake.nix"
    text = flake.read_text(encoding="utf-8")
    assert text.count(WRAPPER_NIXPKGS_URL) == 1, f"{WRAPPER}/flake.nix lost its nixpkgs url"
    flake.write_text(text.replace(WRAPPER_NIXPKGS_URL, f'"{reference}"'), encoding="utf-8")
    # A flake's own lock is not consulted for the inputs of an input that
    # another flake overrides (Nix 2.8), so the tree goes into the url itself.
    nix("flake", "lock", f"path:{wrapper}")
    return f"path:{wrapper}"
