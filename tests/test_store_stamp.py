"""The store stamp changes with any write to nix's database, and is None without one."""

import os

from f.nix.common.store_stamp import store_stamp


def test_no_database_no_stamp(tmp_path, monkeypatch):
    monkeypatch.setenv("NIX_STATE_DIR", str(tmp_path))
    assert store_stamp() is None


def test_a_write_to_the_database_or_its_log_changes_the_stamp(tmp_path, monkeypatch):
    monkeypatch.setenv("NIX_STATE_DIR", str(tmp_path))
    db = tmp_path / "db"
    db.mkdir()
    (db / "db.sqlite").write_bytes(b"x" * 10)
    first = store_stamp()
    assert first is not None and first[1] is None
    assert store_stamp() == first
    (db / "db.sqlite-wal").write_bytes(b"page")
    second = store_stamp()
    assert second != first
    # A rewrite of the same size: the modification time tells.
    os.utime(db / "db.sqlite-wal", ns=(1, 1))
    assert store_stamp() != second
