# py311
# requirements:
"""Follow nix's ``--log-format internal-json`` stream.

Every stderr line nix prints is either ``@nix {json}`` or plain text. The
reader turns the JSON into the human-readable lines nix would have printed
(build log lines prefixed with the derivation's name, as ``-L`` does), keeps
done/expected counts of builds and downloads for progress, remembers which
paths were built and fetched, and keeps the last log lines of every build so
that a failure can show them.

What it concludes it reads from the stream's structure, never from nix's
English, which changes between versions (Nix 2.8 says "builder for '<drv>'
failed", 2.34 "Cannot build '<drv>'."): a build failed when the builds'
progress counts one more failure while its activity runs; a run is complete
when nix exits 0. nix's messages are passed on whole.
"""

import json
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# Activity and result types (src/libutil/logging.hh); stable since Nix 2.4.
ACT_REALISE = 102
ACT_BUILDS = 104
ACT_BUILD = 105
ACT_COPY_PATHS = 103
ACT_SUBSTITUTE = 108
# Activities that only start once evaluation has produced derivations.
_REALISATION = frozenset({ACT_REALISE, ACT_COPY_PATHS, ACT_BUILDS, ACT_BUILD, ACT_SUBSTITUTE})
RES_BUILD_LOG_LINE = 101
RES_SET_PHASE = 104
RES_PROGRESS = 105

LEVEL_ERROR = 0
LEVEL_INFO = 3
BUILD_TAIL_LINES = 25

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# What nix prints about an error raised by the evaluator: a trace ("while
# evaluating ..." from Nix 2.13, the --show-trace hint before that).
_EVALUATION_TRACE = re.compile(r"--show-trace|\bwhile (evaluating|calling)\b")
# Failures of the network that nix may report from inside an evaluation
# (fetchers, flake inputs): another try may succeed.
_TRANSFER_FAILURE = re.compile(
    r"unable to download|HTTP error|Couldn't resolve|Could not resolve|Failed to connect|"
    r"Timeout was reached|timed out|Connection (refused|reset)",
    re.IGNORECASE,
)
_STORE_NAME = re.compile(r"/nix/store/[a-z0-9]{32}-(.+?)(\.drv)?$")


def plain(text: str) -> str:
    return _ANSI.sub("", text)


def store_name(path: str) -> str:
    match = _STORE_NAME.match(path)
    return match.group(1) if match else path


@dataclass(frozen=True)
class Progress:
    done: int
    expected: int

    @property
    def percent(self) -> int:
        return 0 if self.expected <= 0 else min(99, self.done * 100 // self.expected)


@dataclass
class _Build:
    drv: str
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=BUILD_TAIL_LINES))
    running: bool = True


class NixLogReader:
    def __init__(
        self,
        on_line: Callable[[str], None],
        on_progress: Callable[[Progress], None] = lambda progress: None,
    ):
        self._on_line = on_line
        self._on_progress = on_progress
        self._types: dict[int, int] = {}
        self._builds: dict[int, _Build] = {}
        self._counts: dict[int, tuple[int, int]] = {}
        # The failures actBuilds' progress has counted so far (its fourth field).
        self._failures: dict[int, int] = {}
        self._failed_builds: list[_Build] = []
        self.built: list[str] = []
        self.fetched: list[str] = []
        self.errors: list[str] = []
        self.messages: list[str] = []
        self.plain_lines: deque[str] = deque(maxlen=BUILD_TAIL_LINES)
        self._realising = False
        self._evaluator_spoke = False

    def feed(self, line: str) -> None:
        line = line.rstrip("\n")
        if not line.startswith("@nix "):
            self.plain_lines.append(line)
            self._on_line(line)
            return
        try:
            event = json.loads(line[5:])
        except json.JSONDecodeError:
            self._on_line(line)
            return
        handler = {
            "start": self._start,
            "stop": self._stop,
            "result": self._result,
            "msg": self._msg,
        }
        handler.get(event.get("action"), lambda event: None)(event)

    @property
    def progress(self) -> Progress:
        done = sum(done for done, _ in self._counts.values())
        expected = sum(expected for _, expected in self._counts.values())
        return Progress(done, expected)

    @property
    def failed_in_evaluation(self) -> bool:
        """The evaluator raised the error nix died of, before any build or download began.

        Evaluation is a pure function of the locked flake: the same error comes
        back on every try. Errors raised once realisation has started (a build,
        a substituter) or naming a failed transfer may not.
        """
        return (
            bool(self.errors)
            and self._evaluator_spoke
            and not self._realising
            and not any(_TRANSFER_FAILURE.search(error) for error in self.errors)
        )

    @property
    def failed_builds(self) -> list[str]:
        """The derivations whose builds failed, as the stream's structure says.

        When actBuilds' progress counts a new failure, the builds running at
        that moment are the candidates (Nix 2.8 to 2.34 count it before the
        failed build's activity stops). With several running, those that an
        error message quotes by store path narrow them down; the path is the
        one token every wording of a build failure shares.
        """
        failed = list(dict.fromkeys(build.drv for build in self._failed_builds))
        quoted = [drv for drv in failed if any(drv in error for error in self.errors)]
        return quoted if len(failed) > 1 and quoted else failed

    def failure_report(self) -> list[str]:
        """nix's error messages, whole; then each failed build and its last log lines."""
        lines = list(self.errors) or list(self.plain_lines)
        tails = {build.drv: build.tail for build in self._builds.values()}
        for drv in self.failed_builds:
            tail = tails.get(drv) or ()
            lines.append(
                f"the build of {drv} failed; its last {len(tail)} log lines:"
                if tail
                else f"the build of {drv} failed; it logged nothing"
            )
            lines += [f"  {entry}" for entry in tail]
        return lines

    def finish(self) -> None:
        """nix exited 0: everything it set out to build or fetch is there.

        Nix's own counts need not end equal (2.34 ends a three-build run at
        3 of 4), so the end of the run, not the last count, says "done".
        """
        if not self._counts:
            return
        before = self.progress
        self._counts = {
            activity: (max(done, expected), max(done, expected))
            for activity, (done, expected) in self._counts.items()
        }
        if self.progress != before:
            self._on_progress(self.progress)

    def _start(self, event: dict) -> None:
        activity, kind = event.get("id"), event.get("type")
        self._types[activity] = kind
        self._realising = self._realising or kind in _REALISATION
        fields = event.get("fields") or []
        if kind == ACT_BUILD and fields:
            self._builds[activity] = _Build(str(fields[0]))
            self.built.append(str(fields[0]))
        elif kind == ACT_SUBSTITUTE and fields:
            self.fetched.append(str(fields[0]))
        text = plain(event.get("text", ""))
        if text and event.get("level", LEVEL_INFO) <= LEVEL_INFO:
            self._on_line(text)

    def _stop(self, event: dict) -> None:
        activity = event.get("id")
        self._types.pop(activity, None)
        if activity in self._builds:
            self._builds[activity].running = False

    def _result(self, event: dict) -> None:
        activity, kind = event.get("id"), event.get("type")
        fields = event.get("fields") or []
        if kind == RES_BUILD_LOG_LINE and activity in self._builds and fields:
            build = self._builds[activity]
            text = plain(str(fields[0]))
            build.tail.append(text)
            self._on_line(f"{store_name(build.drv)}> {text}")
        elif kind == RES_SET_PHASE and activity in self._builds and fields:
            self._on_line(f"{store_name(self._builds[activity].drv)}> {fields[0]}")
        elif (
            kind == RES_PROGRESS
            and self._types.get(activity) in (ACT_BUILDS, ACT_COPY_PATHS)
            and len(fields) >= 2
        ):
            before = self.progress
            self._counts[activity] = (int(fields[0]), int(fields[1]))
            if self._types.get(activity) == ACT_BUILDS and len(fields) >= 4:
                self._count_failures(activity, int(fields[3]))
            if self.progress != before:
                self._on_progress(self.progress)

    def _count_failures(self, activity: int, failures: int) -> None:
        if failures > self._failures.get(activity, 0):
            self._failed_builds += [build for build in self._builds.values() if build.running]
        self._failures[activity] = failures

    def _msg(self, event: dict) -> None:
        level = event.get("level", LEVEL_INFO)
        text = plain(str(event.get("msg", "")))
        self.messages.append(text)
        if level == LEVEL_ERROR:
            self.errors.append(text)
            # A source position (Nix >= 2.4 sends file and line for errors
            # the evaluator raises at a known place) or an evaluation trace.
            positioned = event.get("file") is not None or event.get("line") is not None
            if positioned or event.get("trace") or _EVALUATION_TRACE.search(text):
                self._evaluator_spoke = True
        if level <= LEVEL_INFO:
            self._on_line(text)
