"""The worker-managed key ($SYSTEM_DIR/ssh/id_ed25519.pub) is trusted in every guest."""

from pathlib import Path

import pytest

from f.nix.build import render_config
from f.nix.common.errors import FlowInputError
from tests.support import public_key


def default_nix(result: dict) -> str:
    return (Path(result["config_dir"]) / "default.nix").read_text()


@pytest.fixture
def managed(tmp_path, monkeypatch) -> str:
    key = public_key(comment="worker@system")
    (tmp_path / "system" / "ssh").mkdir(parents=True)
    (tmp_path / "system" / "ssh" / "id_ed25519.pub").write_text(key + "\n")
    monkeypatch.setenv("SYSTEM_DIR", str(tmp_path / "system"))
    return key


def test_the_managed_key_comes_after_the_callers_own(workers_dir, managed):
    mine = public_key("ssh-rsa", "me@host")
    text = default_nix(render_config.main(vm_name="k", test_suites=[], ssh_keys=[mine, managed]))
    for user in ("root", "kdevops"):
        block = text.split(f"users.users.{user}.openssh.authorizedKeys.keys = [", 1)[1]
        keys = block.split("];", 1)[0]
        # Listed once, after the caller's own: an error names theirs by the positions sent.
        assert keys.count(managed) == 1 and keys.index(mine) < keys.index(managed)


def test_it_is_trusted_even_when_no_keys_are_given(workers_dir, managed):
    text = default_nix(render_config.main(vm_name="k", test_suites=[]))
    assert managed in text and "nobody can log in" not in text


def test_without_one_a_note_says_so(workers_dir, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("SYSTEM_DIR", str(tmp_path / "nothing"))
    text = default_nix(render_config.main(vm_name="k", test_suites=[]))
    assert "no worker-managed SSH key" in capsys.readouterr().err
    assert "authorizedKeys" not in text


def test_its_default_place_is_beside_workers_dir(workers_dir, monkeypatch):
    key = public_key(comment="default@system")
    (workers_dir.parent / "system" / "ssh").mkdir(parents=True)
    (workers_dir.parent / "system" / "ssh" / "id_ed25519.pub").write_text(key)
    monkeypatch.delenv("SYSTEM_DIR", raising=False)
    assert key in default_nix(render_config.main(vm_name="k", test_suites=[]))


def test_a_damaged_key_file_is_named(workers_dir, managed, monkeypatch, tmp_path):
    (tmp_path / "system" / "ssh" / "id_ed25519.pub").write_text(
        "-----BEGIN OPENSSH PRIVATE KEY-----"
    )
    with pytest.raises(
        FlowInputError, match=r"SYSTEM_DIR: .*id_ed25519\.pub is not an OpenSSH public key"
    ):
        render_config.main(vm_name="k", test_suites=[])
    assert not any(workers_dir.iterdir())
