"""The kernel-build detector the real-NixOS tests rely on (runs everywhere)."""

import pytest

from tests.real_nixos.kernel_builds import is_kernel_build

HASH = "0wcc7fhrbm3cdw2d5898p8wjz2aqpm30"


@pytest.mark.parametrize(
    ("name", "kernel"),
    [
        ("linux-6.6.60.drv", True),
        ("linux-6.11.7.drv", True),
        ("linux-6.6.60-modules.drv", True),
        ("linux-6.6.60-modules-shrunk.drv", True),
        ("linux-6.12-rc1.drv", True),
        ("linux-6.6.60.tar.xz.drv", False),
        ("linux-6.7.tar.xz.drv", False),
        ("perf-linux-6.6.60.drv", False),
        ("util-linux-2.39.4.drv", False),
        ("initrd-linux-external.drv", False),
        ("linux-external-modules.drv", False),
        ("linux-headers-6.7.drv", False),
        ("linux-pam-1.6.1.drv", False),
    ],
)
def test_kernel_builds_are_told_from_sources_and_namesakes(name, kernel):
    assert is_kernel_build(f"/nix/store/{HASH}-{name}") is kernel
