"""What a build produced and what a dry run would do, read from nix's output."""

from f.nix.common.closure_report import closure_stats_from_json, dry_run_plan


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


def test_closure_stats_read_json_format_2():
    # Nix 2.34.8's `path-info --json --json-format 2 --recursive --closure-size`, shortened.
    version_2 = {
        "info": {
            "a3nacn4l444vz1x4kj6dr73dhvj96djc-source": {
                "ca": {
                    "hash": "sha256-+KbKWFrpPAZOYP2a7Trm7fyYOnTJK4dN+w2IQESkAF0=",
                    "method": "nar",
                },
                "closureSize": 3616,
                "narSize": 3616,
                "references": [],
                "version": 2,
            }
        },
        "storeDir": "/nix/store",
        "version": 2,
    }
    top = "/nix/store/a3nacn4l444vz1x4kj6dr73dhvj96djc-source"
    assert closure_stats_from_json(version_2, top) == {"store_paths": 1, "closure_bytes": 3616}


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


def test_diff_closures_lines_are_read():
    from f.nix.common.closure_report import parse_diff_closures

    output = (
        "fio: 3.36 → 3.37, +12.5 KiB\n"
        "\x1b[1mliburing\x1b[0m: ∅ → 2.5, +8.0 KiB\n"
        "dbench: 4.0, 4.1 → ∅, -20.0 KiB\n"
        "glibc: +9.5 KiB\n"
        "hello: ε → 2.12\n"
    )
    assert parse_diff_closures(output) == [
        {"package": "fio", "before": ["3.36"], "after": ["3.37"], "size_delta_bytes": 12800},
        {"package": "liburing", "before": [], "after": ["2.5"], "size_delta_bytes": 8192},
        {"package": "dbench", "before": ["4.0", "4.1"], "after": [], "size_delta_bytes": -20480},
        {"package": "glibc", "before": None, "after": None, "size_delta_bytes": 9728},
        {"package": "hello", "before": [""], "after": ["2.12"], "size_delta_bytes": 0},
    ]
