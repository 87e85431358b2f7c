"""Reading a toplevel's boot.json: what is missing is named."""

import json

import pytest

from f.nix.common.errors import BootspecError


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


# NixOS 26.05 and later, with boot.kernel.enable = false: no "kernel" and no
# "kernelParams" in the standard document; the library's extension has them.
NIXOS_26_05 = {
    "org.nixos.bootspec.v1": {
        "init": "/nix/store/a-nixos-system/init",
        "initrd": "/nix/store/b-initrd/initrd",
        "label": "NixOS Yarara 26.05 (Linux external)",
        "system": "x86_64-linux",
        "toplevel": "/nix/store/a-nixos-system",
    },
    "org.nixos-flake.kernel.v1": {"kernelParams": ["nfs.callback_tcpport=4045"]},
}
# A system built without the library, by a NixOS that writes kernelParams.
WITHOUT_THE_LIBRARY = {
    "org.nixos.bootspec.v1": {
        "init": "/nix/store/a-nixos-system/init",
        "initrd": "/nix/store/b-initrd/initrd",
        "kernel": "/nix/store/c-linux/bzImage",
        "kernelParams": ["loglevel=4"],
    }
}


@pytest.mark.parametrize(
    ("document", "params"),
    [
        (NIXOS_26_05, ["nfs.callback_tcpport=4045"]),
        (WITHOUT_THE_LIBRARY, ["loglevel=4"]),
        ({"org.nixos.bootspec.v1": NIXOS_26_05["org.nixos.bootspec.v1"]}, []),
    ],
)
def test_kernel_params_come_from_the_library_extension_else_the_document(
    tmp_path, document, params
):
    from f.nix.common.bootspec import read_bootspec

    (tmp_path / "boot.json").write_text(json.dumps(document))
    assert read_bootspec(tmp_path).kernel_params == params


def test_a_malformed_kernel_extension_is_named(tmp_path):
    from f.nix.common.bootspec import read_bootspec

    document = {**NIXOS_26_05, "org.nixos-flake.kernel.v1": {"kernelParams": "quiet"}}
    (tmp_path / "boot.json").write_text(json.dumps(document))
    with pytest.raises(BootspecError, match=r"org\.nixos-flake\.kernel\.v1 has no kernelParams"):
        read_bootspec(tmp_path)
