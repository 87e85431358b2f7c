"""The build step's pass-through options: checked, then handed to nix as arguments."""

from pathlib import Path

import pytest

from f.nix.build import build_closure
from f.nix.common.build_options import build_options
from f.nix.common.errors import FlowInputError


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
        (
            {"substituters": ["ftp://x"]},
            "build.substituters[0]: 'ftp://x' is not a binary cache URL",
        ),
        ({"substituters": ["https://a b"]}, "build.substituters[0]: 'https://a b'"),
        (
            {"trusted_public_keys": ["nokey"]},
            "build.trusted_public_keys[0]: 'nokey' is not a Nix public key",
        ),
        (
            {"builders": "--option x"},
            "build.builders: '--option x' is not a builders specification",
        ),
        ({"max_jobs": -1}, "max_jobs: -1 is not allowed"),
        ({"max_jobs": "4"}, "max_jobs: '4' is not allowed; a whole number from 0"),
        ({"max_jobs": 4.0}, "max_jobs: 4.0 is not allowed"),
        ({"max_jobs": True}, "max_jobs: True is not allowed"),
        ({"max_jobs": 2**32}, "max_jobs: 4294967296 is not allowed"),
        ({"max_jobs": 10**30}, f"max_jobs: {10**30} is not allowed"),
        (
            {"substituters": "https://x"},
            "build.substituters: 'https://x' is not allowed; expected a list",
        ),
        ({"builders": ["ssh://b"]}, "builders: ['ssh://b'] is not allowed; expected a string"),
        (
            {"builders": "ssh://b x86_64-linux\udc80"},
            "build.builders: 'ssh://b x86_64-linux\\udc80' is not valid Unicode",
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
