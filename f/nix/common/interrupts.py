"""Make a cancelled job unwind like Ctrl-C, so leases are released and nix is stopped."""

import signal
import threading
from types import FrameType


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def unwind_on_sigterm() -> None:
    """SIGTERM (a cancelled or timed-out job) raises SystemExit instead of killing at once."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit)
