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
"""Report nix's progress: to Windmill inside a worker, as a status line in a terminal.

Inside a Windmill job each report is wmill.set_progress, two HTTP requests
to the Windmill API. They are sent from a thread of their own, newest
percentage first and at most every few seconds, so that a slow or broken
API never holds up the reading of nix's output.
"""

import threading
import time
from collections.abc import Callable

import wmill

from f.nix.common.joblog import log, set_status
from f.nix.common.nix_log import Progress
from f.nix.common.windmill_env import in_windmill_job

BAR_WIDTH = 30
# An hour-long build does not need more than one report every few seconds.
WINDMILL_MIN_INTERVAL = 5.0
# How long the end of a nix call may wait for its last report to be sent.
FLUSH_TIMEOUT = 10.0


class ProgressReporter:
    def __init__(
        self,
        min_interval: float = WINDMILL_MIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._min_interval = min_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._wanted: int | None = None
        self._closing = False
        self._sent = -1
        self._last_sent = float("-inf")
        self._failed = False
        self._sender: threading.Thread | None = None

    def __call__(self, progress: Progress) -> None:
        set_status(status_bar(progress))
        if not in_windmill_job():
            return
        with self._lock:
            self._wanted = progress.percent
            if self._sender is None:
                self._sender = threading.Thread(target=self._send_loop, daemon=True)
                self._sender.start()
        self._wake.set()

    def flush(self, timeout: float = FLUSH_TIMEOUT) -> None:
        """Send the latest percentage if throttling held it back, and stop the sender."""
        with self._lock:
            self._closing = True
            sender = self._sender
        if sender is not None:
            self._wake.set()
            sender.join(timeout)

    def _send_loop(self) -> None:
        while True:
            with self._lock:
                wanted, closing = self._wanted, self._closing
            if wanted is not None and wanted != self._sent and not self._failed:
                due = self._last_sent + self._min_interval - self._clock()
                if closing or due <= 0:
                    self._send(wanted)
                    continue
                self._wake.wait(due)
            elif closing:
                return
            else:
                self._wake.wait()
            self._wake.clear()

    def _send(self, percent: int) -> None:
        try:
            wmill.set_progress(percent)
        except Exception as error:  # progress must never fail a build
            self._failed = True
            log(f"progress reporting to Windmill stopped: {error}")
            return
        self._sent, self._last_sent = percent, self._clock()


def status_bar(progress: Progress) -> str:
    if progress.expected <= 0:
        return ""
    filled = BAR_WIDTH * min(progress.done, progress.expected) // progress.expected
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    return f"[{bar}] {progress.done}/{progress.expected} built or fetched"
