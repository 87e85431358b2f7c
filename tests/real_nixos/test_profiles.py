"""The profiles (vendor/nixos-flake/profiles): each selected profile with its packages,
services and sysctls, and the build-tools profile's development outputs. devel and monitoring
have modules of their own."""

from tests.real_nixos.expected import PROFILE_EXPECTATIONS, assert_selected

# Each suite and profile: present when selected, absent otherwise (expected.py).


def test_each_selected_profile_brings_its_services_and_sysctls(guest):
    assert_selected(guest, "profile", PROFILE_EXPECTATIONS, guest.profiles)
    sysctl = guest.config["kernel"]["sysctl"]
    if "devel" not in guest.profiles:
        # NixOS' own default, which devel lowers.
        assert sysctl["kernel.kptr_restrict"] == 1
    if "controller" in guest.profiles:
        assert {"libvirtd", "kvm"} <= set(guest.config["users"][guest.user]["extraGroups"])


def test_no_package_brings_its_dev_output_but_the_build_tools_libraries(guest):
    assert "dev" not in guest.config["docs"]["extraOutputsToInstall"]
    # The headers and pkg-config files of what a kernel and the test tools
    # build against, for a compiler run by hand; nothing else's.
    expected = set()
    if "build-tools" in guest.profiles:
        expected = {"elfutils", "openssl", "ncurses", "zlib", "xz", "zstd", "bzip2", "lz4", "kmod"}
        assert "/include" in guest.config["pathsToLink"]
    assert set(guest.config["devOutputs"]) == expected
