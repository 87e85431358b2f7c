# py311
# requirements:
"""A stamp of the local Nix store's database that changes whenever the store does.

Every path that becomes valid (built, fetched, added) or is deleted (garbage
collection) is a write to ``$NIX_STATE_DIR/db/db.sqlite`` or, in SQLite's WAL
mode, its ``-wal`` file. Equal stamps at two moments mean no store path came
or went in between; any write, even an unrelated one, changes the stamp.
"""

from pathlib import Path

from f.nix.common.windmill_env import worker_variable


def nix_db() -> Path:
    return Path(worker_variable("NIX_STATE_DIR") or "/nix/var/nix") / "db"


def store_stamp() -> list[list[int] | None] | None:
    """Size and modification time of the database and its log; None when they cannot be read."""
    stamp: list[list[int] | None] = []
    for name in ("db.sqlite", "db.sqlite-wal"):
        try:
            status = (nix_db() / name).stat()
        except FileNotFoundError:
            stamp.append(None)
            continue
        except OSError:
            return None
        stamp.append([status.st_mtime_ns, status.st_size])
    # Without the database itself (a remote store, say) nothing can be told.
    return stamp if stamp[0] is not None else None
