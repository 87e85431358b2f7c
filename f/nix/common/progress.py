"""Report nix's progress: to Windmill inside a worker, as a status line in a terminal."""

import os
import time

from f.nix.common.joblog import log, set_status
from f.nix.common.nix_log import Progress

BAR_WIDTH = 30
# Each wmill.set_progress is two HTTP requests; an hour-long build does not
# need more than one report every few seconds.
WINDMILL_MIN_INTERVAL = 5.0


class ProgressReporter:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._last_percent = -1
        self._latest = -1
        self._last_sent = float("-inf")
        self._windmill_failed = False

    def __call__(self, progress: Progress) -> None:
        self._latest = progress.percent
        set_status(status_bar(progress))
        if os.environ.get("WM_JOB_ID"):
            self._to_windmill(progress.percent, throttle=True)

    def flush(self) -> None:
        """Send the latest percentage if throttling held it back."""
        if os.environ.get("WM_JOB_ID") and self._latest >= 0:
            self._to_windmill(self._latest, throttle=False)

    def _to_windmill(self, percent: int, throttle: bool) -> None:
        now = self._clock()
        if self._windmill_failed or percent == self._last_percent:
            return
        if throttle and now - self._last_sent < WINDMILL_MIN_INTERVAL:
            return
        try:
            import wmill

            wmill.set_progress(percent)
        except Exception as error:  # progress must never fail a build
            self._windmill_failed = True
            log(f"progress reporting to Windmill stopped: {error}")
            return
        self._last_percent, self._last_sent = percent, now


def status_bar(progress: Progress) -> str:
    if progress.expected <= 0:
        return ""
    filled = BAR_WIDTH * min(progress.done, progress.expected) // progress.expected
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    return f"[{bar}] {progress.done}/{progress.expected} built or fetched"
