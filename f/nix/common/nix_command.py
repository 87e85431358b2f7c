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
from typing import IO

from f.nix.common.errors import NixCommandError, NixEvaluationError, NixNotFoundError
from f.nix.common.joblog import clear_status, log, log_command
from f.nix.common.nix_log import NixLogReader
from f.nix.common.progress import ProgressReporter

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
MINIMUM = NixVersion(2, 4)


def nix_executable() -> str:
    found = shutil.which("nix")
    if found is None:
        raise NixNotFoundError(
            "`nix` is not on PATH. Install Nix 2.4 or newer (Debian/Ubuntu: "
            "`apt-get install nix-bin`; elsewhere see https://nixos.org/download) and "
            "put it on the worker's PATH."
        )
    return found


def nix_argv(args: Sequence[str]) -> list[str]:
    return ["nix", *FLAKES, *args]


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
    argv = nix_argv([*LOG_FORMAT, *args])
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
def nix_version() -> NixVersion:
    """The version of the ``nix`` on PATH, asked once per process."""
    version = NixVersion.parse(run_nix(["--version"]).stdout)
    if version < MINIMUM:
        raise NixNotFoundError(f"nix {version} is too old: flakes need Nix {MINIMUM} or newer")
    return version
