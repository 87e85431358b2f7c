import json
import shutil
import subprocess
from pathlib import Path

import pytest

from f.nix.build import render_config
from f.nix.common.errors import FlowInputError, LibraryError
from f.nix.common.library_contract import PROFILES, TEST_SUITES
from f.nix.common.nix_syntax import nix_string, nix_string_list
from f.nix.common.provenance import source_version_suffix
from f.nix.common.render_nix import TEMPLATE, render_default, render_flake
from f.nix.common.vm_config import parse_vm_config, with_home_resolved
from tests.support import LIBRARY, nix, nix_eval_json, public_key

TEMPLATE_PATH = LIBRARY / TEMPLATE
FAKE_NAR_HASH = "sha256-q8yYEC5f1mFlQO9RGna4LTc9QrcvWunX6FYp83munkQ="


def evaluate_default(text: str, tmp_path: Path) -> dict:
    """Call the rendered module with stand-in arguments and return what it sets.

    Module references become their attribute path as a string, so imports can
    be compared; the overlay is applied to a fake ``prev`` whose packages
    record what overrideAttrs received.
    """
    module = tmp_path / "default.nix"
    module.write_text(text)
    expression = f"""
      let
        moduleSet = prefix: names: builtins.listToAttrs (map (n: {{ name = n; value = "${{prefix}}.${{n}}"; }}) names);
        nixos-flake.nixosModules = {{
          profiles = moduleSet "profiles" {nix_string_list(list(PROFILES))};
          testSuites = moduleSet "testSuites" {nix_string_list(list(TEST_SUITES))};
          mounts = moduleSet "mounts" [ "shares" "storage" ];
        }};
        # The library's own function: the rendered file calls it.
        nixos-flake.lib.sourceVersion = import {LIBRARY / "lib/source-version.nix"};
        fakePackage = name: {{ overrideAttrs = f: {{ inherit name; attrs = f {{ }}; }}; }};
        prev = builtins.listToAttrs (map (n: {{ name = n; value = fakePackage n; }}) [ "fio" "xfsprogs" "libbpf-tools" ]);
        pkgs = {{ strace = "pkgs.strace"; linuxPackages.cpupower = "pkgs.linuxPackages.cpupower"; }};
        inputs = {{
          fio-src = {{ outPath = "input:fio-src"; narHash = "{FAKE_NAR_HASH}"; }};
          libbpf-tools-src = {{ outPath = "input:libbpf-tools-src"; shortRev = "abc1234"; }};
        }};
        lib = {{ mkAfter = x: {{ mkAfter = x; }}; mkForce = x: {{ mkForce = x; }}; }};
        config = import {module} {{ inherit lib pkgs inputs nixos-flake; }};
      in
        config // {{
          nixpkgs = if config ? nixpkgs then {{ overlays = map (o: o null prev) config.nixpkgs.overlays.mkAfter; }} else null;
        }}
    """
    return nix_eval_json(expression)


@pytest.mark.nix
def test_featured_default_renders_every_featured_module(tmp_path):
    evaluated = evaluate_default(render_default(parse_vm_config(vm_name="demo")), tmp_path)
    assert evaluated["imports"] == [
        "profiles.build-tools",
        "profiles.devel",
        "profiles.monitoring",
        "testSuites.blktests",
        "testSuites.fstests",
        "testSuites.gitr",
        "testSuites.kunit",
        "testSuites.ltp",
        "testSuites.mmtests",
        "testSuites.pynfs",
        "testSuites.selftests",
        "testSuites.sysbench",
        "testSuites.usertests",
        "mounts.shares",
    ]
    assert evaluated["networking"] == {"hostName": "demo"}
    assert evaluated["nixos-flake"] == {
        "user": {"name": "kdevops"},
        "monitoring": {"enable": True},
        # Each suite that files results gets its results directory from the host,
        # and so do the monitoring profile's units.
        "shares": {
            "/var/lib/blktests": {"tag": "blktests", "options": ["nofail"]},
            "/var/lib/gitr": {"tag": "gitr", "options": ["nofail"]},
            "/var/lib/kselftests": {"tag": "selftests", "options": ["nofail"]},
            "/var/lib/kunit": {"tag": "kunit", "options": ["nofail"]},
            "/var/lib/ltp": {"tag": "ltp", "options": ["nofail"]},
            "/var/lib/mmtests": {"tag": "mmtests", "options": ["nofail"]},
            "/var/lib/monitoring": {"tag": "monitoring", "options": ["nofail"]},
            "/var/lib/pynfs": {"tag": "pynfs", "options": ["nofail"]},
            "/var/lib/sysbench": {"tag": "sysbench", "options": ["nofail"]},
            "/var/lib/usertests": {"tag": "usertests", "options": ["nofail"]},
            "/var/lib/xfstests": {"tag": "fstests", "options": ["nofail"]},
        },
    }
    assert "users" not in evaluated and evaluated["nixpkgs"] is None


@pytest.mark.nix
def test_minimal_config_imports_nothing(tmp_path):
    config = parse_vm_config(vm_name="bare", profiles=[], test_suites=[])
    evaluated = evaluate_default(render_default(config), tmp_path)
    assert evaluated["imports"] == []
    assert evaluated["nixos-flake"] == {"user": {"name": "kdevops"}}


@pytest.mark.nix
def test_the_monitoring_profile_files_its_runs_on_a_share_a_given_one_replaces(tmp_path):
    config = parse_vm_config(vm_name="mon", profiles=["monitoring"], test_suites=[])
    evaluated = evaluate_default(render_default(config), tmp_path)
    assert evaluated["imports"] == ["profiles.monitoring", "mounts.shares"]
    assert evaluated["nixos-flake"]["shares"] == {
        "/var/lib/monitoring": {"tag": "monitoring", "options": ["nofail"]}
    }
    config = parse_vm_config(
        vm_name="mon", profiles=["monitoring"], test_suites=[], shares={"/var/lib/monitoring": "m"}
    )
    evaluated = evaluate_default(render_default(config), tmp_path)
    assert evaluated["nixos-flake"]["shares"] == {
        "/var/lib/monitoring": {"tag": "m", "options": []}
    }


@pytest.mark.nix
def test_every_input_shape_renders_as_intended(tmp_path):
    key = public_key()
    config = parse_vm_config(
        vm_name="full",
        user_name="dev-1",
        profiles=["controller", "devel"],
        test_suites=["fstests"],
        shares={"/mnt/src": {"tag": "src", "options": ["ro", "noatime"]}, "/mnt/out": "out"},
        ssh_keys=[key],
        overrides=[
            {"pkg": "fio", "src": str(tmp_path), "attrs": {"version": '9${x}"q'}},
            {"pkg": "libbpf-tools", "src": "https://example.org/bcc.git", "ref": "v1"},
        ],
        extra_groups=["wheel", "kvm"],
        extra_packages=["strace", "linuxPackages.cpupower"],
    )
    evaluated = evaluate_default(render_default(config), tmp_path)
    assert evaluated["imports"] == [
        "profiles.controller",
        "profiles.devel",
        "testSuites.fstests",
        "mounts.shares",
    ]
    assert evaluated["nixos-flake"] == {
        "user": {"name": "dev-1", "extraGroups": ["wheel", "kvm"]},
        "controller": {"enable": True},
        "shares": {
            "/mnt/out": {"tag": "out", "options": []},
            "/mnt/src": {"tag": "src", "options": ["ro", "noatime"]},
            "/var/lib/xfstests": {"tag": "fstests", "options": ["nofail"]},
        },
    }
    keys = {
        user: spec["openssh"]["authorizedKeys"]["keys"]
        for user, spec in evaluated["users"]["users"].items()
    }
    assert keys == {"root": [key], "dev-1": [key]}
    assert evaluated["environment"]["systemPackages"] == [
        "pkgs.strace",
        "pkgs.linuxPackages.cpupower",
    ]
    assert evaluated["nixpkgs"]["overlays"] == [
        {
            "fio": {"name": "fio", "attrs": {"src": "input:fio-src", "version": '9${x}"q'}},
            # No version given: the recipe's (none here: "0"), then the commit.
            "libbpf-tools": {
                "name": "libbpf-tools",
                "attrs": {"src": "input:libbpf-tools-src", "version": "0+gabc1234"},
            },
        }
    ]


@pytest.mark.nix
def test_an_override_of_a_local_tree_says_so_in_its_version(tmp_path):
    config = parse_vm_config(overrides=[{"pkg": "fio", "src": str(tmp_path)}])
    evaluated = evaluate_default(render_default(config), tmp_path)
    version = evaluated["nixpkgs"]["overlays"][0]["fio"]["attrs"]["version"]
    assert version == "0" + source_version_suffix({"narHash": FAKE_NAR_HASH})
    # The first 7 hex digits of the sha256 of FAKE_NAR_HASH.
    assert version == "0+src.07d9662"


@pytest.mark.nix
def test_the_version_suffix_is_what_nix_appends_for_real_flake_inputs(tmp_path):
    """A path and a git input as nix locks and passes them to the library's sourceVersion;
    provenance's Python twin agrees."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "file.c").write_text("int x;\n")
    repository = tmp_path / "repository"
    repository.mkdir()
    (repository / "file.c").write_text("int y;\n")
    git = ["git", "-C", str(repository), "-c", "user.name=t", "-c", "user.email=t@t"]
    for command in (["init", "-q"], ["add", "file.c"], ["commit", "-q", "-m", "one"]):
        subprocess.run([*git, *command], check=True)
    flake = tmp_path / "flake"
    flake.mkdir()
    # The library's function, beside the flake: pure evaluation reads no other path.
    shutil.copy(LIBRARY / "lib/source-version.nix", flake / "source-version.nix")
    (flake / "flake.nix").write_text(
        f"""{{
  inputs.tree = {{ type = "path"; path = {nix_string(str(tree))}; flake = false; }};
  inputs.repository = {{ type = "git"; url = {nix_string(f"file://{repository}")}; flake = false; }};
  outputs = inputs:
    let
      sourceVersion = import ./source-version.nix;
    in {{
      versions = {{
        tree = sourceVersion {{ version = "1.0"; }} inputs.tree;
        repository = sourceVersion {{ version = "1.0"; }} inputs.repository;
      }};
    }};
}}
"""
    )
    locked = nix("flake", "lock", f"path:{flake}")
    assert locked.returncode == 0, locked.stderr
    evaluated = nix("eval", "--json", f"path:{flake}#versions")
    assert evaluated.returncode == 0, evaluated.stderr
    nodes = json.loads((flake / "flake.lock").read_text())["nodes"]
    assert json.loads(evaluated.stdout) == {
        "tree": "1.0" + source_version_suffix(nodes["tree"]["locked"]),
        "repository": "1.0" + source_version_suffix(nodes["repository"]["locked"]),
    }
    assert json.loads(evaluated.stdout)["repository"].startswith("1.0+g")


def test_equal_selections_render_identically():
    first = parse_vm_config(profiles=["devel", "monitoring"], test_suites=["ltp", "fstests"])
    second = parse_vm_config(
        profiles=["monitoring", "devel"], test_suites=["fstests", "ltp", "ltp"]
    )
    assert render_default(first) == render_default(second)


def test_flake_is_the_template_with_only_the_url_changed():
    template = TEMPLATE_PATH.read_text()
    rendered = render_flake(
        template, TEMPLATE_PATH, Path("/opt/lib/nixos-flake"), parse_vm_config()
    )
    original, new = template.splitlines(), rendered.splitlines()
    changed = [(a, b) for a, b in zip(original, new, strict=True) if a != b]
    assert changed == [
        (
            '    nixos-flake.url = "path:/path/to/nixos-flake";',
            '    nixos-flake.url = "path:/opt/lib/nixos-flake";',
        )
    ]


def test_flake_gets_one_source_input_per_override(tmp_path):
    template = TEMPLATE_PATH.read_text()
    config = parse_vm_config(
        overrides=[
            {"pkg": "fio", "src": str(tmp_path)},
            {"pkg": "xfsprogs", "src": "https://example.org/xfsprogs-dev.git", "ref": "for-next"},
        ]
    )
    rendered = render_flake(template, TEMPLATE_PATH, Path("/opt/lib"), config)
    assert (
        f"""
    fio-src = {{
      type = "path";
      path = {nix_string(str(tmp_path))};
      flake = false;
    }};
    xfsprogs-src = {{
      type = "git";
      url = "https://example.org/xfsprogs-dev.git";
      ref = "for-next";
      flake = false;
    }};
  }};"""
        in rendered
    )
    removed = "\n".join(line for line in rendered.splitlines() if "-src" not in line)
    assert len(rendered.splitlines()) == len(template.splitlines()) + 11
    assert "path:/opt/lib" in removed


@pytest.mark.parametrize(
    "anchor", ['"path:/path/to/nixos-flake"', 'nixpkgs.follows = "nixos-flake/nixpkgs";']
)
def test_template_drift_is_a_clear_error(anchor):
    template = TEMPLATE_PATH.read_text().replace(anchor, "")
    with pytest.raises(LibraryError, match="exactly once"):
        render_flake(template, TEMPLATE_PATH, Path("/opt/lib"), parse_vm_config())


@pytest.mark.nix
def test_rendered_files_parse(tmp_path):
    config = parse_vm_config(
        shares={"/mnt/x": "x"}, overrides=[{"pkg": "fio", "src": str(tmp_path)}]
    )
    for name, text in {
        "default.nix": render_default(config),
        "flake.nix": render_flake(
            TEMPLATE_PATH.read_text(), TEMPLATE_PATH, Path("/opt/lib"), config
        ),
    }.items():
        path = tmp_path / name
        path.write_text(text)
        completed = subprocess.run(
            ["nix-instantiate", "--parse", str(path)], capture_output=True, text=True
        )
        assert completed.returncode == 0, completed.stderr


@pytest.mark.nix
def test_the_operators_home_is_shared_and_is_roots_home(tmp_path):
    config = parse_vm_config(
        vm_name="home", profiles=[], test_suites=[], home=True, home_dir="/home/op"
    )
    evaluated = evaluate_default(render_default(config), tmp_path)
    assert "mounts.shares" in evaluated["imports"]
    assert evaluated["nixos-flake"]["shares"] == {"/home/op": {"tag": "home", "options": []}}
    assert evaluated["users"]["users"]["root"]["home"] == {"mkForce": "/home/op"}


@pytest.mark.parametrize(
    ("worker_home", "expected"),
    [("/home/alice", "/home/alice"), ("/root", "/home/dev"), ("", "/home/dev")],
)
def test_home_dir_defaults_to_the_workers_home_under_home(worker_home, expected):
    config = with_home_resolved(parse_vm_config(user_name="dev", home=True), worker_home)
    assert config.home_dir == config.home_mount == expected
    off = parse_vm_config(user_name="dev", home=False, home_dir="/home/x")
    assert with_home_resolved(off, "/home/alice").home_mount is None
    given = parse_vm_config(user_name="dev", home=True, home_dir="/srv/me")
    assert with_home_resolved(given, "/home/alice").home_mount == "/srv/me"


def test_render_config_takes_the_home_dir_from_the_workers_home(workers_dir, monkeypatch):
    monkeypatch.setenv("HOME", "/home/alice")
    result = render_config.main(vm_name="h", profiles=[], test_suites=[], home=True)
    text = (Path(result["config_dir"]) / "default.nix").read_text()
    assert 'users.users.root.home = lib.mkForce "/home/alice";' in text
    assert '"/home/alice" = {' in text


def test_an_explicit_share_at_the_home_dir_wins():
    config = parse_vm_config(
        home=True, home_dir="/home/op", shares={"/home/op": {"tag": "mine", "options": ["ro"]}}
    )
    assert 'tag = "mine";' in render_default(config) and 'tag = "home";' not in render_default(
        config
    )


@pytest.mark.parametrize("home_dir", ["home/op", "/nix/store", "/home/op/", "/home/a\nb"])
def test_a_bad_home_dir_is_refused_naming_it(home_dir):
    with pytest.raises(FlowInputError, match=r"home_dir: "):
        parse_vm_config(home=True, home_dir=home_dir)


def test_an_explicit_share_wins_over_a_suites_results_share():
    config = parse_vm_config(
        test_suites=["fstests"], shares={"/var/lib/xfstests": {"tag": "mine", "options": ["rw"]}}
    )
    text = render_default(config)
    assert 'tag = "mine";' in text and 'tag = "fstests";' not in text
    assert '"/var/lib/xfstests" = {' in text


STORAGE = {
    "/mnt/scratch": {"device": "/dev/vdb", "fs_type": "xfs", "mkfs_args": ["-b", "size=16k"]},
    "/var/lib/xfstests": {
        "device": "/dev/disk/by-id/virtio-test",
        "fs_type": "ext4",
        "options": ["noatime"],
        "auto_format": True,
        "nofail": False,
    },
}


@pytest.mark.nix
def test_storage_becomes_the_librarys_options_with_their_names(tmp_path):
    config = parse_vm_config(vm_name="disks", profiles=[], test_suites=["fstests"], storage=STORAGE)
    evaluated = evaluate_default(render_default(config), tmp_path)
    assert evaluated["imports"] == ["testSuites.fstests", "mounts.storage"]
    assert evaluated["nixos-flake"]["storage"] == {
        "/mnt/scratch": {
            "device": "/dev/vdb",
            "fsType": "xfs",
            "options": [],
            "mkfsArgs": ["-b", "size=16k"],
            "autoFormat": False,
            "nofail": True,
        },
        "/var/lib/xfstests": {
            "device": "/dev/disk/by-id/virtio-test",
            "fsType": "ext4",
            "options": ["noatime"],
            "mkfsArgs": [],
            "autoFormat": True,
            "nofail": False,
        },
    }
    # The disk takes the place of the suite's results share.
    assert "shares" not in evaluated["nixos-flake"]


@pytest.mark.nix
def test_no_storage_renders_nothing_for_it(tmp_path):
    evaluated = evaluate_default(render_default(parse_vm_config(test_suites=[])), tmp_path)
    assert "mounts.storage" not in evaluated["imports"]
    assert "storage" not in evaluated["nixos-flake"]


def test_a_share_at_a_suites_results_stays_when_a_disk_is_elsewhere():
    config = parse_vm_config(
        test_suites=["fstests"], storage={"/mnt/scratch": STORAGE["/mnt/scratch"]}
    )
    text = render_default(config)
    assert 'tag = "fstests";' in text and '"/mnt/scratch" = {' in text
