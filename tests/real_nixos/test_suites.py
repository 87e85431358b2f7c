"""The test suites (vendor/nixos-flake/testSuites) and what they share (testSuites/common):
each selected suite with what it needs, its runner unit, the FHS paths, the NFS server and
client; blktests' and sysbench's own settings. fstests has test_suite_fstests.py."""

from suite_runner.suites import SUITES as RUNNER_SUITES

from f.nix.common.library_contract import PROFILES, RESULT_SHARES, TEST_SUITES
from tests.real_nixos.expected import PROFILE_EXPECTATIONS, SUITES, assert_selected, fhs_link

# Each suite and profile: present when selected, absent otherwise (expected.py).


def test_each_selected_suite_is_installed_with_what_it_needs(guest):
    assert_selected(guest, "suite", SUITES, guest.test_suites)


def test_suites_and_profiles_cover_the_library():
    assert set(SUITES) == set(TEST_SUITES)
    assert set(PROFILE_EXPECTATIONS) == set(PROFILES)


def test_each_suites_runner_unit_files_its_results_in_the_suites_share(guest):
    for suite in guest.test_suites:
        if not SUITES[suite].runner:
            continue
        unit, runner_suite = SUITES[suite].runner
        assert runner_suite in RUNNER_SUITES, f"suite-run does not know {runner_suite}"
        service = guest.config["runners"][unit]
        program, *arguments = service["ExecStart"].split()
        assert program.startswith("/nix/store/") and program.endswith("/bin/suite-run")
        # The instance, escaped as the suite names it, and the share as results.
        assert arguments[0] == runner_suite and arguments[1] in ("%i", "%I", "%f")
        assert arguments[2:] == ["--results", RESULT_SHARES[suite]]
    if "pynfs" in guest.test_suites:
        # NFStest's unit files its runs inside the pynfs share.
        nfstest = guest.config["runners"]["nfstest"]["ExecStart"].split()
        assert nfstest[1:] == ["nfstest", "%i", "--results", "/var/lib/pynfs/nfstest"]
        assert service["Type"] == "oneshot" and service["TimeoutStartSec"] == "infinity"
        assert {"remote-fs.target", "kernel-config.service"} <= set(service["after"])
    if any(SUITES[suite].runner for suite in guest.test_suites):
        # The kernel's .config: linked at boot, exported to login shells.
        assert "kernel-config" in guest.config["services"]
        assert "KCONFIG_PATH" in guest.config["shellInit"]
        assert "suite-runner" in guest.config["packages"]
    else:
        assert "kernel-config" not in guest.config["services"]


def test_the_fhs_paths_link_to_the_programs_they_name(guest):
    names = {
        "/bin/bash": "bash",
        "/usr/bin/awk": "awk",
        "/usr/bin/perl": "perl",
        "/usr/bin/python3": "python3",
        "/usr/bin/time": "time",
        "/usr/bin/timeout": "timeout",
        "/sbin/modprobe": "modprobe",
        "/bin/kill": "kill",
    }
    wanted = set().union(*(SUITES[suite].fhs for suite in guest.test_suites))
    for path in wanted:
        target = fhs_link(guest, path)
        assert target.startswith("/nix/store/") and target.endswith(f"/bin/{names[path]}")
    if "mmtests" in guest.test_suites:
        # mmtests' scripts need its perl modules; the other suites take any perl.
        assert "perl" in fhs_link(guest, "/usr/bin/perl") and "env" in fhs_link(
            guest, "/usr/bin/perl"
        )
        assert "ASSUME_PACKAGE_INSTALLED" in guest.config["sudoConfig"]
    if not guest.test_suites:
        assert not [rule for rule in guest.config["tmpfiles"] if rule.startswith("L+ /bin/")]


def test_the_nfs_suites_get_a_server_a_client_and_a_callback_port(guest):
    if not {"fstests", "pynfs"} & set(guest.test_suites):
        assert guest.config["enabledServices"]["nfsServer"] is False
        return
    assert guest.config["enabledServices"]["rpcbind"] is True
    # A modular nfs takes the port when it loads, a built-in one at boot:
    # not from the kernel command line, which kdevops-ng's boot leaves out.
    assert "options nfs callback_tcpport=4048" in guest.config["modprobeConfig"]
    port_rule = "w /sys/module/nfs/parameters/callback_tcpport - - - - 4048"
    assert port_rule in guest.config["tmpfiles"]
    assert not [p for p in guest.config["kernelParams"] if p.startswith("nfs.")]
    assert 4048 in guest.config["firewallTcpPorts"]
    assert {111, 2049} <= set(guest.config["firewallTcpPorts"])
    # The NFS client: mount.nfs and statd for NFSv3 locks.
    assert "nfs" in guest.config["supportedFilesystems"]
    assert "rpc-statd" in guest.config["services"]
    if "pynfs" in guest.test_suites:
        # pynfs' own NFSv4.0 callback listener, on an ephemeral port.
        assert {"from": 32768, "to": 60999} in guest.config["firewallTcpPortRanges"]
    if "fstests" in guest.test_suites:
        assert "cifs" in guest.config["supportedFilesystems"]
        assert "cifs-utils" in guest.config["packages"]
    for line in guest.config["nfsExports"].splitlines():
        assert "rw" in line and "no_root_squash" in line and "fsid=" in line


def test_blktests_runs_unprivileged_tests_as_the_guests_user(guest):
    if "blktests" not in guest.test_suites:
        return
    assert guest.config["blktestsConfig"].splitlines()[0] == f"NORMAL_USER={guest.user}"


def test_sysbench_has_both_databases_and_both_drivers_for_its_oltp_workloads(guest):
    if "sysbench" not in guest.test_suites:
        return
    assert guest.config["mysqlDatabases"] == ["sbtest"]
    assert guest.config["postgresqlDatabases"] == ["sbtest"]
    flags = guest.config["sysbenchConfigureFlags"]
    assert "--with-pgsql" in flags
    assert any(flag.startswith("--with-mysql-libs=") for flag in flags)
