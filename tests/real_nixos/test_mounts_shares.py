"""The shares module (vendor/nixos-flake/mounts/shares): shares, the home and the suites'
and profiles' results shares as virtiofs mounts."""

from f.nix.common.library_contract import RESULT_SHARES


def test_shares_become_virtiofs_mounts(guest):
    file_systems = guest.config["fileSystems"]
    shares = dict(guest.shares)
    if guest.inputs.get("home"):
        # The operator's home: a share with tag home, and root's home.
        shares[guest.inputs["home_dir"]] = "home"
        assert guest.config["users"]["root"]["home"] == guest.inputs["home_dir"]
    for name, mount_point in RESULT_SHARES.items():
        if name in guest.test_suites:
            # Results on the host; the suite's module creates the directory.
            shares.setdefault(mount_point, {"tag": name, "options": ["nofail"]})
            assert guest.has_tmpfile(f"d {mount_point} ")
        if name in guest.profiles:
            shares.setdefault(mount_point, {"tag": name, "options": ["nofail"]})
    for mount_point, share in shares.items():
        tag, options = (
            (share, []) if isinstance(share, str) else (share["tag"], share.get("options", []))
        )
        assert file_systems[mount_point]["device"] == tag
        assert file_systems[mount_point]["fsType"] == "virtiofs"
        assert set(options) <= set(file_systems[mount_point]["options"])
    storage = guest.storage
    assert set(file_systems) == {"/", "/nix/store", "/lib/modules", *shares, *storage}
