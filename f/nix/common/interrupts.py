# py311
# requirements:
"""Make a cancelled job unwind like Ctrl-C, so leases are released and nix is stopped.

A Windmill worker SIGKILLs a cancelled or timed-out Python job: nothing can
unwind then (vm_lease sees the step's process gone instead). Only when the
worker's MAX_WAIT_FOR_SIGINT is above 0 does it send SIGINT first and wait
that many seconds; SIGTERM comes from other supervisors (systemd, a shell).
"""

import signal
import threading
from types import FrameType

UNWIND_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def unwind_on_sigterm() -> None:
    """SIGTERM and SIGINT raise SystemExit instead of killing at once (or being ignored).

    SIGINT gets the same handler rather than Python's KeyboardInterrupt, which
    a process started with SIGINT ignored (as a background job is) never gets.
    """
    if threading.current_thread() is threading.main_thread():
        for signum in UNWIND_SIGNALS:
            signal.signal(signum, _exit)
