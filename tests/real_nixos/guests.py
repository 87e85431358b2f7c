"""The guests the flow renders for the real-NixOS tests, and how they are read.

Each config runs through ``python3 -m localflow f/nix/build`` with the
wrapped tree as ``nixpkgs`` and ``dry_run: true``, exactly as a user runs the
flow; the guest is then read from the VM's
``nixosConfigurations.imageless`` (guest.nix) and its build graph. The
``guest`` fixture (conftest.py) evaluates each config once per session, on
each tree.
"""

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from f.nix.common.library_contract import (
    FEATURED_PROFILES,
    FEATURED_TEST_SUITES,
    PROFILES,
    TEST_SUITES,
)
from f.nix.common.nix_syntax import nix_string_list
from tests.real_nixos import eval_warnings
from tests.real_nixos.wrapped_tree import CommandFailed, Tree, nix
from tests.support import OFFLINE_NIX_CONFIG, REPOSITORY, localflow_argv

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPf0DyGEQSIDYKT7+Ef5WzBEp2AYVZDhZ5fCzVOVXyA4 dev@host"
OTHER_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC1/TyU8UP5Mb8rMyTjtkzxU6J3EEXHQ8Yq3x8/1a3Xb ci@host"
)
OVERRIDDEN = ["fio", "xfsprogs", "xfstests", "libbpf-tools", "cpupower"]

# What the tests read off a guest (guest.nix): a function of the overridden
# packages and the guest's nixosConfiguration.
GUEST_SUMMARY = Path(__file__).with_name("guest.nix")

# Two disks: one the library's own unit formats with mkfs_args, one NixOS's
# systemd-makefs formats (auto_format) and the boot requires (no nofail).
STORAGE = {
    "/mnt/scratch": {
        "device": "/dev/vdb",
        "fs_type": "xfs",
        "mkfs_args": ["-b", "size=4096", "-m", "reflink=1"],
    },
    "/mnt/test": {
        "device": "/dev/disk/by-id/virtio-test",
        "fs_type": "ext4",
        "options": ["noatime"],
        "auto_format": True,
        "nofail": False,
    },
}


def entries(by_mount_point: dict) -> list[dict]:
    """A map by mount point as the list of entries Windmill's form sends for it."""
    return [
        {"mount_point": mount_point, **({"tag": value} if isinstance(value, str) else value)}
        for mount_point, value in by_mount_point.items()
    ]


def by_mount_point(value: dict | list) -> dict:
    """The map a list of entries stands for (a map stays as it is)."""
    if isinstance(value, dict):
        return value
    return {entry["mount_point"]: {k: v for k, v in entry.items() if k != "mount_point"}
            for entry in value}  # fmt: skip


SHARES = {
    "/mnt/linux": {"tag": "linux", "options": ["ro", "nofail"]},
    "/mnt/results": "results",
}


def every_input(sources: Path) -> dict:
    """All four profiles, every suite, source overrides, shares, packages, groups, user and keys."""
    overrides = []
    for package in OVERRIDDEN:
        checkout = sources / package
        checkout.mkdir(parents=True, exist_ok=True)
        (checkout / "README").write_text(f"a local {package} tree\n")
        overrides.append({"pkg": package, "src": str(checkout)})
    # Each map as the form sends it: entries, not free keys.
    overrides[0]["attrs"] = [{"name": "version", "value": "3.99-local"}]
    return {
        # Upper case and '_': what NixOS takes as a host name.
        "vm_name": "Every_Input1",
        "user_name": "dev",
        "profiles": list(PROFILES),
        "test_suites": list(TEST_SUITES),
        "ssh_keys": [KEY, OTHER_KEY],
        "shares": entries(SHARES),
        "overrides": overrides,
        "extra_groups": ["wheel", "disk"],
        "home": True,
        "home_dir": "/home/op",
        "extra_packages": ["strace", "linuxPackages.cpupower", "python3Packages.pyyaml"],
        "storage": entries(STORAGE),
    }


CONFIGS = {
    "featured default": lambda sources: {},
    "empty selection": lambda sources: {"profiles": [], "test_suites": []},
    "every input": every_input,
}


@dataclass
class Guest:
    name: str
    inputs: dict
    result: dict
    config: dict = field(repr=False)
    tree: Tree | None = None

    @property
    def profiles(self) -> tuple[str, ...]:
        return tuple(self.inputs.get("profiles", FEATURED_PROFILES))

    @property
    def test_suites(self) -> tuple[str, ...]:
        return tuple(self.inputs.get("test_suites", FEATURED_TEST_SUITES))

    @property
    def shares(self) -> dict:
        return by_mount_point(self.inputs.get("shares", {}))

    @property
    def storage(self) -> dict:
        return by_mount_point(self.inputs.get("storage", {}))

    @property
    def user(self) -> str:
        return self.inputs.get("user_name", "kdevops")

    def has_tmpfile(self, prefix: str) -> bool:
        return any(rule.startswith(prefix) for rule in self.config["tmpfiles"])


def run_flow(inputs: dict, workers: Path) -> dict:
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("WM_")},
        "WORKERS_DIR": str(workers),
        "NIX_CONFIG": OFFLINE_NIX_CONFIG,
    }
    env.pop("NIXOS_FLAKE_DIR", None)
    argv = localflow_argv(inputs)
    completed = subprocess.run(argv, cwd=REPOSITORY, capture_output=True, text=True, env=env)
    eval_warnings.heard(completed.stderr)
    if completed.returncode != 0:
        raise CommandFailed(argv, completed.stderr)
    return json.loads(completed.stdout)


def read_guest(config_dir: str) -> dict:
    # nix is handed the generation the VM's link points to, as the steps do.
    flake = Path(config_dir).resolve()
    summary = f"({GUEST_SUMMARY.read_text(encoding='utf-8')}) {nix_string_list(OVERRIDDEN)}"
    output = nix(
        "eval", "--json", f"path:{flake}#nixosConfigurations.imageless", "--apply", summary
    )
    return json.loads(output)


# Each config on the supported tree, then on the early-warning tree: there its
# assertions are reported, never failing the run (conftest.py).
GUEST_PARAMS = [(name, tree) for tree in ("supported", "next") for name in CONFIGS]


def guest_id(param: tuple[str, str]) -> str:
    name, tree = param
    return name.replace(" ", "-") + ("@next" if tree == "next" else "")
