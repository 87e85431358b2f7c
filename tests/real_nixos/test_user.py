"""The user module (vendor/nixos-flake/user): the guest's user, its groups and keys, and
the accounts the guest creates, which the flow refuses as a user name."""

from f.nix.common.input_checks import check_user_name


def test_the_user_and_its_keys(guest):
    users = guest.config["users"]
    user = users[guest.user]
    assert user["isNormalUser"] is True
    expected_groups = guest.inputs.get("extra_groups") or ["wheel"]
    assert user["extraGroups"][: len(expected_groups)] == expected_groups
    keys = guest.inputs.get("ssh_keys", [])
    assert user["keys"] == keys and users["root"]["keys"] == keys
    if guest.user != "kdevops":
        assert "kdevops" not in users


def test_every_account_the_guest_creates_is_refused_as_the_user_name(guest):
    """A user_name that clashes with one fails before anything is written, not in NixOS."""
    accepted = []
    for name in guest.config["users"]:
        if name == guest.user:
            continue
        try:
            check_user_name(name)
        except ValueError:
            continue
        accepted.append(name)
    assert accepted == [], " ".join(accepted)
