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
"""Run the ``nix`` CLI: every call logged, flakes enabled per call, output streamed."""

import ctypes
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from f.nix.common.errors import NixCommandError, NixEvaluationError, NixNotFoundError
from f.nix.common.joblog import clear_status, log, log_command
from f.nix.common.nix_log import NixLogReader
from f.nix.common.progress import ProgressReporter
from f.nix.common.windmill_env import listed_but_unset, worker_variable

FLAKES = ("--extra-experimental-features", "nix-command flakes")
# Machine-readable activity on stderr (Nix >= 2.4), turned back into readable
# lines by NixLogReader, with progress counts on the side.
LOG_FORMAT = ("--log-format", "internal-json")


@dataclass(frozen=True, order=True)
class NixVersion:
    major: int
    minor: int
    patch: int = 0

    @classmethod
    def parse(cls, text: str) -> "NixVersion":
        """Parse ``nix --version`` output, e.g. ``nix (Nix) 2.8.0``.

        Distributions such as Determinate Nix print their own version first and
        the Nix version last, so the last version number on the line wins.
        """
        numbers = re.findall(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
        if not numbers:
            raise RuntimeError(f"cannot read a version from `nix --version`: {text.strip()!r}")
        major, minor, patch = numbers[-1]
        return cls(int(major), int(minor), int(patch or 0))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


# `nix flake update [--flake REF] INPUT...` replaced `nix flake lock --update-input`.
FLAKE_UPDATE_SINCE = NixVersion(2, 19)
# `--json-format 1|2` on commands that print store path infos (path-info).
JSON_FORMAT_SINCE = NixVersion(2, 33)
MINIMUM = NixVersion(2, 4)
# What nixpkgs 25.05 and later ask (lib/minfeatures.nix); the library supports
# none older than 26.05, so a real build needs it, while the flow itself runs
# from MINIMUM on (the offline tests use Debian 12's 2.8 with a stub nixpkgs).
NIX_FOR_SUPPORTED_NIXPKGS = NixVersion(2, 18)


# Where a multi-user Nix installation keeps its tools; upstream kdevops-ng's default NIX_BIN.
DEFAULT_PROFILE_BIN = Path("/nix/var/nix/profiles/default/bin")


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def nix_executable() -> str:
    """The ``nix`` to run: ``$NIX_BIN/nix``, else ``nix`` on PATH, else the default profile's.

    Upstream kdevops-ng's workers name the directory holding nix in NIX_BIN
    (it reaches a Windmill job only when WHITELIST_ENVS lists it); its
    default, the default profile, is not on a container worker's PATH.
    """
    looked = []
    nix_bin = worker_variable("NIX_BIN")
    if nix_bin and Path(nix_bin).is_absolute():
        candidate = Path(nix_bin) / "nix"
        if _runnable(candidate):
            return str(candidate)
        log(f"NIX_BIN is {nix_bin}, which holds no runnable nix; looking on PATH")
        looked.append(f"$NIX_BIN/nix ({candidate}: none there)")
    elif nix_bin:
        looked.append(f"$NIX_BIN ({nix_bin!r}: not an absolute path)")
    elif listed_but_unset("NIX_BIN"):
        looked.append("$NIX_BIN (listed in WHITELIST_ENVS but not set on the worker)")
    else:
        looked.append("$NIX_BIN (not set)")
    found = shutil.which("nix")
    if found is not None:
        return found
    looked.append(f"PATH ({os.environ.get('PATH', '')})")
    default = DEFAULT_PROFILE_BIN / "nix"
    if _runnable(default):
        return str(default)
    looked.append(f"the default profile ({default})")
    raise NixNotFoundError(
        "nix not found; looked in "
        + ", ".join(looked)
        + f". Install Nix {NIX_FOR_SUPPORTED_NIXPKGS} or newer, which the library's NixOS "
        "needs (Debian 13: `apt-get install nix-bin`; Debian 12's is 2.8, too old; elsewhere "
        "see https://nixos.org/download) "
        "and set NIX_BIN to the directory that holds nix (in a Windmill worker list NIX_BIN "
        "in WHITELIST_ENVS too), or put nix on the worker's PATH."
    )


def nix_argv(args: Sequence[str], executable: str = "nix") -> list[str]:
    return [executable, *FLAKES, *args]


def shown_executable(executable: str) -> str:
    """How to write ``executable`` in a logged command: ``nix`` when that is what PATH finds."""
    on_path = shutil.which("nix")
    if on_path is not None and os.path.samefile(on_path, executable):
        return "nix"
    return executable


@dataclass(frozen=True)
class NixRun:
    stdout: str
    built: list[str]
    fetched: list[str]
    messages: list[str]


# prctl(2) option: the signal the kernel sends a process when the thread that started
# it dies.
PR_SET_PDEATHSIG = 1


@functools.cache
def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _stop_when_the_step_dies() -> Callable[[], None] | None:
    """A ``preexec_fn`` that has the kernel send nix SIGTERM when the step's process dies.

    A SIGKILLed step runs no ``finally``: without this its nix lives on, finishes
    the build, points the VM's GC root at a closure the flow never recorded and
    holds temporary GC roots meanwhile. (Windmill kills the job's whole process
    group, nix included; a kill of the step alone, or the OOM killer's, does
    not.) SIGTERM lets nix stop its builders and clean up, as on Ctrl-C.
    """
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def stop_with_parent() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the step died before the request was made
            os._exit(1)

    return stop_with_parent


def _pump_stderr(stream: IO[str], reader: NixLogReader) -> None:
    for line in stream:
        reader.feed(line)


def run_nix(args: Sequence[str]) -> NixRun:
    """Run ``nix <flakes> --log-format internal-json args`` and return its stdout.

    Its activity goes to the job log as readable lines and its progress to
    Windmill (in a worker) or the terminal. Raises NixCommandError with the
    command, nix's errors and the last log lines of a failed build;
    NixEvaluationError when nix died evaluating, before building anything.
    """
    executable = nix_executable()
    # The logged command (and the error's) names the nix that runs, as one would type it.
    argv = nix_argv([*LOG_FORMAT, *args], shown_executable(executable))
    log_command(argv)
    reporter = ProgressReporter()
    reader = NixLogReader(on_line=log, on_progress=reporter)
    process = subprocess.Popen(
        [executable, *argv[1:]],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        preexec_fn=_stop_when_the_step_dies(),
    )
    pump = threading.Thread(target=_pump_stderr, args=(process.stderr, reader), daemon=True)
    pump.start()
    try:
        assert process.stdout is not None
        stdout = process.stdout.read()
        returncode = process.wait()
        pump.join(timeout=5)
        if returncode == 0:
            reader.finish()
    finally:
        if process.poll() is None:
            # Interrupted (job cancelled, Ctrl-C): do not leave nix running.
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        pump.join(timeout=5)
        reporter.flush()
        clear_status()
    if returncode != 0:
        failure = NixEvaluationError if reader.failed_in_evaluation else NixCommandError
        raise failure(argv, returncode, reader.failure_report())
    return NixRun(stdout, reader.built, reader.fetched, reader.messages)


@functools.cache
def nix_version_line() -> str:
    """What the flow's ``nix --version`` prints, e.g. ``nix (Nix) 2.34.8``; asked once."""
    return run_nix(["--version"]).stdout.strip()


@functools.cache
def nix_version() -> NixVersion:
    """The version of the ``nix`` the flow runs (``nix_executable``), asked once per process."""
    version = NixVersion.parse(nix_version_line())
    if version < MINIMUM:
        raise NixNotFoundError(f"nix {version} is too old: flakes need Nix {MINIMUM} or newer")
    return version


def json_format_args(version_line: str) -> list[str]:
    """``--json-format 2`` for a nix that takes it (Nix 2.33 and later), else nothing.

    From 2.33 ``--json`` alone warns on every call and means version 1, which a
    later release will refuse; Lix, whose version numbers run ahead (2.9x),
    has no such flag.
    """
    if "Lix" in version_line or NixVersion.parse(version_line) < JSON_FORMAT_SINCE:
        return []
    return ["--json-format", "2"]
