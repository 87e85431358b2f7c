"""What a caller may hand to nix is the worker administrator's choice (worker_policy)."""

import os
import re

import pytest

from f.nix.build import build_closure, lock_config, render_config
from f.nix.common.build_options import build_options
from f.nix.common.errors import FlowInputError
from f.nix.common.worker_policy import (
    BUILDERS,
    SOURCE_ROOTS,
    SUBSTITUTERS,
    TRUSTED_PUBLIC_KEYS,
    check_path_source,
)
from tests.support import stub_nixpkgs_ref

KEY = "cache.example.org-1:" + "A" * 43 + "="


@pytest.fixture(autouse=True)
def no_policy(monkeypatch):
    for name in (SOURCE_ROOTS, SUBSTITUTERS, TRUSTED_PUBLIC_KEYS, BUILDERS):
        monkeypatch.delenv(name, raising=False)


def test_without_a_policy_callers_choose_no_cache_key_or_builder():
    with pytest.raises(
        FlowInputError,
        match=r"build\.substituters\[0\]: 'https://c' is not allowed.*NIX_BUILD_SUBSTITUTERS \(listed: none\)",
    ):
        build_options(["https://c"], None, "", None)
    with pytest.raises(
        FlowInputError, match=r"build\.trusted_public_keys\[0\]: .* NIX_BUILD_TRUSTED_PUBLIC_KEYS"
    ):
        build_options(None, [KEY], "", None)
    with pytest.raises(
        FlowInputError, match=r"build\.builders: 'ssh://b' is not allowed.*NIX_BUILD_BUILDERS"
    ):
        build_options(None, None, "ssh://b x86_64-linux", None)
    # Nothing asked for: nix.conf's settings apply.
    assert build_options(None, [], "", None).nix_args() == []


def test_only_what_the_administrator_lists_is_taken(monkeypatch):
    monkeypatch.setenv("NIX_BUILD_SUBSTITUTERS", "https://cache.example.org file:///srv/cache")
    monkeypatch.setenv("NIX_BUILD_TRUSTED_PUBLIC_KEYS", KEY)
    monkeypatch.setenv("NIX_BUILD_BUILDERS", "ssh://b1 ssh://b2")
    options = build_options(
        ["file:///srv/cache"], [KEY], "ssh://b1 x86_64-linux - 4; ssh://b2 aarch64-linux", 2
    )
    assert "file:///srv/cache" in options.nix_args()
    for url in ("https://cache.example.org?trusted=1", "https://evil.example.org"):
        with pytest.raises(
            FlowInputError, match=re.escape(f"build.substituters[0]: '{url}' is not allowed")
        ):
            build_options([url], None, "", None)
    with pytest.raises(
        FlowInputError, match=re.escape("build.builders: 'ssh://evil' is not allowed")
    ):
        build_options(None, None, "ssh://b1 x86_64-linux\nssh://evil x86_64-linux", None)


@pytest.mark.parametrize("builders", ["@/etc/nix/machines", "ssh://b1 x; @/root/machines"])
def test_builders_from_a_file_are_never_taken(monkeypatch, builders):
    monkeypatch.setenv("NIX_BUILD_BUILDERS", "ssh://b1 @/etc/nix/machines")
    with pytest.raises(
        FlowInputError, match=r"build\.builders: '@/.*' is not allowed; nix would read"
    ):
        build_options(None, None, builders, None)


def test_a_refused_option_reaches_no_nix(workers_dir, mocker):
    run_nix = mocker.patch("f.nix.build.build_closure.run_nix")
    with pytest.raises(FlowInputError, match="substituters"):
        build_closure.main(str(workers_dir / "0" / "nix" / "x"), substituters=["https://c"])
    run_nix.assert_not_called()


def test_path_sources_anywhere_until_the_administrator_says_where(tmp_path, monkeypatch):
    secret = tmp_path / "home" / ".ssh"
    secret.mkdir(parents=True)
    assert check_path_source("overrides[0].src", str(secret)) == str(secret)
    sources = tmp_path / "src"
    (sources / "fio").mkdir(parents=True)
    monkeypatch.setenv("NIX_BUILD_SOURCE_ROOTS", f"/nonexistent:{sources}")
    assert check_path_source("overrides[0].src", str(sources / "fio")) == str(sources / "fio")
    with pytest.raises(FlowInputError, match=r"overrides\[0\]\.src: .*\.ssh' is not allowed"):
        check_path_source("overrides[0].src", str(secret))
    # A link under a root that leads out is judged by where it leads.
    (sources / "sneaky").symlink_to(secret)
    with pytest.raises(FlowInputError, match="resolved, it is"):
        check_path_source("overrides[0].src", str(sources / "sneaky"))
    # A sibling whose name merely starts like a root is outside it.
    (tmp_path / "src-other").mkdir()
    with pytest.raises(FlowInputError):
        check_path_source("overrides[0].src", str(tmp_path / "src-other"))
    monkeypatch.setenv("NIX_BUILD_SOURCE_ROOTS", "")
    with pytest.raises(FlowInputError, match="none: path sources are off"):
        check_path_source("overrides[0].src", str(sources / "fio"))


def test_render_refuses_a_path_source_outside_the_roots_before_writing(
    workers_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv("NIX_BUILD_SOURCE_ROOTS", str(tmp_path / "src"))
    with pytest.raises(FlowInputError, match=r"overrides\[0\]\.src: '/etc' is not allowed"):
        render_config.main(vm_name="leak", overrides=[{"pkg": "fio", "src": "/etc"}])
    assert not os.listdir(workers_dir)


@pytest.mark.parametrize(
    ("step", "kwargs", "message"),
    [
        ("lock", {"update": "yes"}, "update: 'yes' is not allowed; expected true or false"),
        ("lock", {"nixpkgs": 5}, "nixpkgs: 5 is not allowed; expected a string"),
        ("lock", {"nixpkgs": "path:/x\udc80"}, "nixpkgs: 'path:/x\\udc80' is not valid Unicode"),
        ("build", {"dry_run": 1}, "dry_run: 1 is not allowed; expected true or false"),
    ],
)
def test_inputs_of_the_wrong_type_are_refused_naming_them(
    workers_dir, mocker, step, kwargs, message
):
    main = {"lock": lock_config.main, "build": build_closure.main}[step]
    spawned = mocker.patch("subprocess.Popen")
    with pytest.raises(FlowInputError) as refused:
        main(str(workers_dir / "0" / "nix" / "x"), **kwargs)
    assert message in str(refused.value)
    assert not spawned.called
    assert not os.listdir(workers_dir)


@pytest.mark.nix
def test_lock_refuses_a_path_source_the_roots_no_longer_cover(workers_dir, tmp_path, monkeypatch):
    checkout = tmp_path / "old" / "fio"
    checkout.mkdir(parents=True)
    config_dir = render_config.main(
        vm_name="narrowed", test_suites=[], overrides=[{"pkg": "fio", "src": str(checkout)}]
    )["config_dir"]
    lock_config.main(config_dir, nixpkgs=stub_nixpkgs_ref())
    lock_file = workers_dir / "0" / "nix" / "narrowed" / "flake.lock"
    locked = lock_file.read_bytes()
    monkeypatch.setenv("NIX_BUILD_SOURCE_ROOTS", str(tmp_path / "new"))
    with pytest.raises(FlowInputError, match=r"overrides \(fio-src\): .* is not allowed"):
        lock_config.main(config_dir)
    assert lock_file.read_bytes() == locked
