"""Each fault ends in an error that names what to fix, and leaves the last good closure."""

import json
import os
import sys
from pathlib import Path

import pytest

from f.nix.build import build_closure, lock_config, render_config
from f.nix.common.build_options import build_options
from f.nix.common.closure_report import closure_stats_from_json, dry_run_plan
from f.nix.common.errors import BootspecError, FlowInputError
from tests.conftest import flow_inputs, run_localflow, stub_nixpkgs_ref

pytestmark = pytest.mark.usefixtures("offline_nix")


def render_and_lock(**inputs) -> str:
    config_dir = render_config.main(**inputs)["config_dir"]
    lock_config.main(config_dir, nixpkgs=stub_nixpkgs_ref())
    return config_dir


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("stubNoBootspec", r"boot\.json is missing: the system was built without a bootspec"),
        ("stubBadBootspec", r"boot\.json is not valid JSON"),
    ],
)
def test_bootspec_faults_are_named(workers_dir, marker, message):
    config_dir = render_and_lock(
        vm_name=f"boot-{marker.lower()}", test_suites=[], extra_packages=[marker]
    )
    with pytest.raises(BootspecError, match=message):
        build_closure.main(config_dir)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({}, "has no 'org.nixos.bootspec.v1' object"),
        ({"org.nixos.bootspec.v1": {"init": "/x/init"}}, "lacks initrd"),
        ({"org.nixos.bootspec.v1": {"initrd": ""}}, "lacks init and initrd"),
    ],
)
def test_incomplete_bootspecs(tmp_path, document, message):
    from f.nix.common.bootspec import read_bootspec

    (tmp_path / "boot.json").write_text(json.dumps(document))
    with pytest.raises(BootspecError, match=message):
        read_bootspec(tmp_path)


def test_unwritable_workers_dir(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("WORKERS_DIR", str(blocker / "workers"))
    with pytest.raises(
        FlowInputError, match=r"WORKERS_DIR: cannot write under .* \(Not a directory\)"
    ):
        render_config.main(vm_name="x")


def test_nix_missing_is_reported_by_the_local_runner(workers_dir, tmp_path):
    completed = run_localflow(
        flow_inputs(test_suites=[]), env={"PATH": str(Path(sys.executable).parent)}
    )
    assert completed.returncode == 1
    assert (
        "`nix` is not on PATH" in completed.stderr and "apt-get install nix-bin" in completed.stderr
    )


def test_result_says_what_was_built(workers_dir):
    config_dir = render_and_lock(
        vm_name="stats", test_suites=[], extra_packages=[f"unique{os.getpid()}{id(object())}"]
    )
    result = build_closure.main(config_dir)
    assert result["store_paths"] == 2  # the stub's toplevel and its initrd
    assert result["closure_bytes"] > 0
    assert result["built"] == 1 and result["fetched"] == 0
    assert set(result["seconds"]) == {"build_closure"}


def test_a_flow_run_reports_every_step_time(workers_dir):
    completed = run_localflow(
        flow_inputs(vm_name="timed", test_suites=[], nixpkgs=stub_nixpkgs_ref())
    )
    assert completed.returncode == 0, completed.stderr
    seconds = json.loads(completed.stdout)["seconds"]
    assert set(seconds) == {"render_config", "lock_config", "build_closure"}
    assert all(value >= 0 for value in seconds.values())


def test_dry_run_reports_without_building(workers_dir):
    first = build_closure.main(render_and_lock(vm_name="dry", test_suites=[]))
    config_dir = render_and_lock(
        vm_name="dry", test_suites=[], extra_packages=[f"unique{os.getpid()}{id(first)}"]
    )
    plan = build_closure.main(config_dir, dry_run=True)
    assert plan["dry_run"] is True
    assert len(plan["will_build"]) == 1 and plan["will_build"][0].endswith(".drv")
    assert plan["will_fetch"] == []
    assert not Path(plan["toplevel"]).exists()
    assert Path(first["gc_root"]).resolve() == Path(first["toplevel"])


def test_build_options_become_nix_arguments(workers_dir, monkeypatch):
    from f.nix.build.build_closure import build_args

    key = "cache.example.org-1:" + "A" * 43 + "="
    monkeypatch.setenv("NIX_BUILD_SUBSTITUTERS", "https://cache.example.org file:///srv/cache")
    monkeypatch.setenv("NIX_BUILD_TRUSTED_PUBLIC_KEYS", key)
    monkeypatch.setenv("NIX_BUILD_BUILDERS", "ssh://b")
    options = build_options(
        ["https://cache.example.org", "file:///srv/cache"], [key], "ssh://b x86_64-linux", 0
    )
    args = build_args("path:/g", Path("/r"), options)
    assert args[args.index("substituters") + 1] == "https://cache.example.org file:///srv/cache"
    assert args[args.index("trusted-public-keys") + 1] == key
    assert args[args.index("--builders") + 1] == "ssh://b x86_64-linux"
    assert args[args.index("--max-jobs") + 1] == "0"
    assert build_options(None, None, "", None).nix_args() == []
    assert build_options([], [], "  ", None).nix_args() == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"substituters": ["ftp://x"]}, "substituters: 'ftp://x' is not a binary cache URL"),
        ({"substituters": ["https://a b"]}, "substituters: 'https://a b'"),
        (
            {"trusted_public_keys": ["nokey"]},
            "trusted_public_keys: 'nokey' is not a Nix public key",
        ),
        ({"builders": "--option x"}, "builders: '--option x' is not a builders specification"),
        ({"max_jobs": -1}, "max_jobs: -1 is not allowed"),
        ({"max_jobs": "4"}, "max_jobs: '4' is not allowed; a whole number from 0"),
        ({"max_jobs": 4.0}, "max_jobs: 4.0 is not allowed"),
        ({"max_jobs": True}, "max_jobs: True is not allowed"),
        ({"max_jobs": 2**32}, "max_jobs: 4294967296 is not allowed"),
        ({"max_jobs": 10**30}, f"max_jobs: {10**30} is not allowed"),
        (
            {"substituters": "https://x"},
            "substituters: 'https://x' is not allowed; expected a list",
        ),
        ({"builders": ["ssh://b"]}, "builders: ['ssh://b'] is not allowed; expected a string"),
        (
            {"builders": "ssh://b x86_64-linux\udc80"},
            "builders: 'ssh://b x86_64-linux\\udc80' is not valid Unicode",
        ),
        (
            {"trusted_public_keys": ["k\udc80"]},
            "trusted_public_keys[0]: 'k\\udc80' is not valid Unicode",
        ),
    ],
)
def test_bad_build_options_are_refused_before_nix_runs(kwargs, message, mocker):
    run_nix = mocker.patch("f.nix.build.build_closure.run_nix")
    with pytest.raises(FlowInputError) as caught:
        build_closure.main("/nonexistent", **kwargs)
    assert message in str(caught.value)
    run_nix.assert_not_called()


def test_closure_stats_read_both_path_info_shapes():
    old = [
        {"path": "/nix/store/a-top", "narSize": 10, "closureSize": 30},
        {"path": "/nix/store/b-dep", "narSize": 20, "closureSize": 20},
    ]
    new = {
        "/nix/store/a-top": {"narSize": 10, "closureSize": 30},
        "/nix/store/b-dep": {"narSize": 20},
    }
    assert closure_stats_from_json(old, "/nix/store/a-top") == {
        "store_paths": 2,
        "closure_bytes": 30,
    }
    assert closure_stats_from_json(new, "/nix/store/a-top") == {
        "store_paths": 2,
        "closure_bytes": 30,
    }


def test_dry_run_plan_parsing():
    messages = [
        "these 2 derivations will be built:",
        "  /nix/store/aaa-x.drv",
        "  /nix/store/bbb-y.drv",
        "these 3 paths will be fetched (1.50 MiB download, 6.00 MiB unpacked):",
        "  /nix/store/ccc-a",
        "  /nix/store/ddd-b",
        "  /nix/store/eee-c",
        "warning: something else",
    ]
    assert dry_run_plan(messages) == {
        "will_build": ["/nix/store/aaa-x.drv", "/nix/store/bbb-y.drv"],
        "will_fetch": ["/nix/store/ccc-a", "/nix/store/ddd-b", "/nix/store/eee-c"],
        "download": "1.50 MiB download, 6.00 MiB unpacked",
    }
