"""The fstests suite (vendor/nixos-flake/testSuites/fstests): kdevops-ng's contract, what
its single tests ask for, and the xfstests release it installs."""

from pathlib import PurePosixPath

from suite_runner.suites import SUITES as RUNNER_SUITES

from tests import kdevops_fstests
from tests.real_nixos.expected import fhs_link


def test_fstests_keeps_kdevops_ngs_fstests_contract(guest):
    """What kdevops-ng's f/fstests discover, start and collect rely on (tests/kdevops_fstests)."""
    tree = fhs_link(guest, str(PurePosixPath(kdevops_fstests.GUEST_CHECK).parent))
    if "fstests" not in guest.test_suites:
        assert tree is None and kdevops_fstests.UNIT_TEMPLATE not in guest.config["services"]
        return
    # discover: `test -x /usr/lib/xfstests/check` and `systemctl cat xfstests@.service`.
    assert tree == guest.config["xfstests"]["tree"]
    assert kdevops_fstests.UNIT_TEMPLATE in guest.config["services"]
    # The share the host writes local.config and check.env to, and reads results from.
    share = guest.config["fileSystems"][kdevops_fstests.GUEST_STATE_DIR]
    assert (share["device"], share["fsType"]) == (kdevops_fstests.SHARE_TAG, "virtiofs")
    # check.env is the unit's EnvironmentFile; without one the unit runs its own arguments.
    unit = guest.config["runners"][kdevops_fstests.UNIT_TEMPLATE.rstrip("@")]
    check_env = f"{kdevops_fstests.GUEST_STATE_DIR}/{kdevops_fstests.CHECK_ENV}"
    assert unit["EnvironmentFile"] == [f"-{check_env}"]
    assert unit["environment"]["XFSTESTS_CHECK_ARGS"] == "-g auto"
    # Results on the share, where the runner has fstests file them by kernel release.
    assert unit["ExecStart"].split()[1:] == [
        "fstests",
        "%i",
        "--results",
        kdevops_fstests.GUEST_STATE_DIR,
    ]
    assert RUNNER_SUITES["fstests"].tree == str(PurePosixPath(kdevops_fstests.GUEST_CHECK).parent)
    # check's form lists the groups from the installed tree's doc/.
    assert f'"$out/{kdevops_fstests.GROUP_NAMES}"' in guest.config["xfstests"]["postInstall"]


def test_fstests_has_what_its_single_tests_ask_for(guest):
    config = guest.config
    bug_on_assert = config["xfsBugOnAssert"]
    if "fstests" not in guest.test_suites:
        assert bug_on_assert is None and "xfsprogs:out" not in config["systemdPackages"]
        return
    # xfs/802: the python3 first on PATH imports dbus, and /usr/bin/python3 is that one.
    first, *others = config["python3OnPath"]
    assert "dbus-python" in first["modules"]
    assert all(first["priority"] < other["priority"] for other in others)
    assert fhs_link(guest, "/usr/bin/python3") == "/run/current-system/sw/bin/python3"
    # xfs/293 and the other documentation tests: man and the manual pages.
    assert (config["docs"]["enable"], config["docs"]["man"]) == (True, True)
    # xfs/802, the scrub tests: xfsprogs' unit files; xfs/657 and on: xfs_healer.
    assert "xfsprogs:out" in config["systemdPackages"]
    assert fhs_link(guest, "/usr/libexec/xfsprogs") == config["xfstests"]["xfsprogsLibexec"]
    # losetup's loop, and xfs with its assertions turned into warnings.
    assert {"loop", "xfs"} <= set(config["kernelModules"])
    knob = "/sys/fs/xfs/debug/bug_on_assert"
    assert bug_on_assert["script"].strip() == f"echo 0 > {knob}"
    assert bug_on_assert["condition"] == knob
    assert "systemd-modules-load.service" in bug_on_assert["after"]
    assert "multi-user.target" in bug_on_assert["wantedBy"]
    # The test accounts keep their ids from guest to guest.
    users = config["users"]
    assert [users[name]["uid"] for name in ("fsgqa", "fsgqa2", "123456-fsgqa")] == [
        1501,
        1502,
        123456,
    ]


def test_fstests_is_a_current_release_built_with_gdbm_and_liburing(guest):
    if "fstests" not in guest.test_suites:
        return
    xfstests = guest.config["xfstests"]
    if "xfstests" not in {o["pkg"] for o in guest.inputs.get("overrides", [])}:
        assert xfstests["version"] == "2026.06.21"
    assert {"gdbm", "liburing"} <= set(xfstests["buildInputs"])
