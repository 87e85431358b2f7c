"""What each suite adapter tells the runner: its checks, its command, its results."""

from dataclasses import dataclass, field
from pathlib import Path

from suite_runner.host import Host


class PrepareError(Exception):
    """Getting the guest ready failed; the message says what and why."""


@dataclass(frozen=True)
class Command:
    """One command line, the directory it runs in and what it adds to the environment."""

    argv: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    # Run as this account instead of root (gitr: git's tests refuse root).
    user: str | None = None


class Suite:
    """An adapter: each suite subclasses it and names itself and its results directory."""

    name: str
    # The directory runs are filed under, in the guest; the unit may override it.
    results: str

    def check(self, host: Host, instance: str) -> list[str]:
        """Every missing prerequisite, each a sentence saying what to provide."""
        raise NotImplementedError

    def prepare(self, host: Host, instance: str) -> list[str]:
        """Make the guest ready (mount points, a blank disk's file system); what was done.

        Most suites need nothing. Raises PrepareError when it cannot.
        """
        return []

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        """The suite's own command line for this instance."""
        raise NotImplementedError

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        """Each test's status (results.STATUSES), from what the suite wrote and printed."""
        raise NotImplementedError
