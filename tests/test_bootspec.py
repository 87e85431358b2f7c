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
