"""Maps given as lists of entries, the shape Windmill's form renders as fields."""

import pytest

from f.nix.common.errors import FlowInputError
from f.nix.common.raw_inputs import check_flow_inputs
from f.nix.common.vm_config import parse_vm_config


def test_shares_as_entries_are_the_map_they_stand_for():
    as_entries = parse_vm_config(
        shares=[
            {"mount_point": "/mnt/linux", "tag": "linux", "options": ["ro"]},
            {"mount_point": "/mnt/src", "tag": "src", "options": None},
        ]
    )
    as_map = parse_vm_config(
        shares={"/mnt/linux": {"tag": "linux", "options": ["ro"]}, "/mnt/src": "src"}
    )
    assert as_entries.shares == as_map.shares
    assert as_entries.shares["/mnt/src"].options == []


def test_storage_as_entries_are_the_map_they_stand_for():
    entry = {"device": "/dev/vdb", "fs_type": "xfs", "mkfs_args": ["-m", "reflink=1"]}
    as_entries = parse_vm_config(storage=[{"mount_point": "/mnt/scratch", **entry}])
    assert as_entries.storage == parse_vm_config(storage={"/mnt/scratch": entry}).storage
    assert as_entries.storage["/mnt/scratch"].nofail is True


def test_an_overrides_attributes_as_entries_are_a_map():
    override = {"pkg": "fio", "src": "/srv/src/fio", "ref": "", "attrs": None}
    entries = [{"name": "version", "value": "3.99"}, {"name": "", "value": ""}]
    config = parse_vm_config(overrides=[{**override, "attrs": entries}])
    assert dict(config.overrides[0].attrs) == {"version": "3.99"}
    assert parse_vm_config(overrides=[override]).overrides[0].attrs == {}


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (
            {
                "shares": [
                    {"mount_point": "/mnt/a", "tag": "a"},
                    {"mount_point": "/mnt/a", "tag": "b"},
                ]
            },
            "guest.shares[1].mount_point: '/mnt/a' is given twice; one entry per mount_point",
        ),
        (
            {"storage": [{"device": "/dev/vdb", "fs_type": "xfs"}]},
            "guest.storage[0].mount_point: None is not allowed; expected a non-empty string",
        ),
        ({"shares": ["/mnt/a"]}, "guest.shares[0]: '/mnt/a' is not allowed; expected an object"),
        # A blank entry left out does not renumber the ones after it.
        (
            {"shares": [{"mount_point": "", "tag": ""}, {"tag": "b"}]},
            "guest.shares[1].mount_point: None is not allowed",
        ),
        (
            {"shares": [{"mount_point": "/mnt/a", "tag": "bad tag"}]},
            "guest.shares['/mnt/a'].tag: ",
        ),
        (
            {"overrides": [{"pkg": "fio", "src": "/srv/fio", "attrs": [{"name": "version"}]}]},
            "closure.overrides[0].attrs: the entry for 'version' has no value",
        ),
        (
            {
                "overrides": [
                    {"pkg": "fio", "src": "/srv/fio", "attrs": [{"name": "v", "val": "1"}]}
                ]
            },
            "closure.overrides[0].attrs: the entry for 'v' has ['val']; an entry takes name and value",
        ),
    ],
)
def test_what_is_wrong_in_an_entry_is_named(inputs, message):
    with pytest.raises(FlowInputError) as caught:
        parse_vm_config(**inputs)
    assert message in str(caught.value)


def test_the_flow_takes_either_shape_and_nothing_else():
    check_flow_inputs({"guest": {"shares": {"/mnt/a": "a"}, "storage": []}})
    check_flow_inputs({"guest": {"shares": [{"mount_point": "/mnt/a", "tag": "a"}]}})
    with pytest.raises(
        FlowInputError, match=r"guest.shares: 'a' is not allowed; expected an array"
    ):
        check_flow_inputs({"guest": {"shares": "a"}})
