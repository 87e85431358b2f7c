"""Run one step in this process and SIGKILL it at its Nth filesystem change.

python3 -m tests.flow.crash_driver N STEP JSON_KWARGS

Exit status 0: the step finished before reaching change N. Killed: the
parent sees -SIGKILL. Used by test_crash_safety to crash a step at every
point where it changes the disk.
"""

import functools
import json
import os
import shutil
import signal
import sys
from pathlib import Path

MUTATIONS = [
    (os, "replace"),
    (os, "rename"),
    (os, "unlink"),
    (os, "mkdir"),
    (os, "symlink"),
    (os, "fsync"),
    (os, "chmod"),
    (os, "utime"),
    (shutil, "rmtree"),
]


def crash_at(limit: int) -> None:
    count = 0

    def counted(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            nonlocal count
            count += 1
            if count == limit:
                os.kill(os.getpid(), signal.SIGKILL)
            return function(*args, **kwargs)

        return wrapper

    for module, name in MUTATIONS:
        setattr(module, name, counted(getattr(module, name)))
    # Path methods call the os functions above through their own references.
    Path.symlink_to = lambda self, target, **kw: os.symlink(target, self, **kw)
    Path.mkdir = counted(Path.mkdir)
    Path.unlink = counted(Path.unlink)


def main() -> None:
    limit, step, kwargs = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
    import importlib

    module = importlib.import_module(f"f.nix.build.{step}")
    crash_at(limit)
    module.main(**kwargs)


if __name__ == "__main__":
    main()
