"""What each suite and profile brings to a guest when selected, and what it leaves out
otherwise: the tables and checks test_suites.py and test_profiles.py share."""

from dataclasses import dataclass

from tests.real_nixos.guests import Guest


@dataclass(frozen=True)
class Expected:
    packages: frozenset[str] = frozenset()
    # The package that only this suite or profile installs.
    own: str | None = None
    users: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    tmpfiles: tuple[str, ...] = ()
    services: frozenset[str] = frozenset()
    variables: tuple[tuple[str, str], ...] = ()
    etc: frozenset[str] = frozenset()
    sysctl: tuple[tuple[str, int], ...] = ()
    enabled: frozenset[str] = frozenset()
    # The runner unit's template name and the suite-run suite it runs.
    runner: tuple[str, str] | None = None
    # FHS paths the suite's scripts hard-code, linked at boot.
    fhs: frozenset[str] = frozenset()
    exports: frozenset[str] = frozenset()


SUITES = {
    "blktests": Expected(
        packages=frozenset(
            {
                *("blktests", "fio", "nvme-cli", "xnvme", "multipath-tools", "nbd"),
                # Whole groups (md, blktrace) and single tests call these.
                *("mdadm", "blktrace", "parted", "cryptsetup", "expect", "bc"),
                *("pciutils", "sg3_utils", "gzip"),
                # Makes a SCSI test device by hand (LIO through tcm_loop).
                "targetcli-fb",
            }
        ),
        own="blktests",
        etc=frozenset({"blktests/config"}),
        # targetcli's saved configuration, without which it does not start.
        tmpfiles=("d /etc/target ",),
        runner=("blktests", "blktests"),
    ),
    "fstests": Expected(
        packages=frozenset(
            {
                *("xfstests", "xfsprogs", "fio", "xfsdump", "duperemove", "liburing"),
                *("nfs-utils", "checkbashisms", "thin-provisioning-tools", "acct"),
            }
        ),
        own="xfstests",
        # The README's accounts, and the dump tests' daemon, bin and sys.
        users=frozenset({"fsgqa", "fsgqa2", "123456-fsgqa", "daemon", "bin"}),
        groups=frozenset({"fsgqa", "fsgqa2", "123456-fsgqa", "daemon", "bin", "sys"}),
        services=frozenset({"xfs-bug-on-assert"}),
        runner=("xfstests", "fstests"),
        fhs=frozenset({"/bin/bash", "/usr/bin/awk", "/usr/bin/perl", "/usr/bin/time"}),
        exports=frozenset({"/export/test", "/export/scratch"}),
        enabled=frozenset({"nfsServer"}),
    ),
    "gitr": Expected(
        packages=frozenset({"gitr", "git", "perl"}),
        own="gitr",
        runner=("gitr", "gitr"),
        fhs=frozenset({"/bin/bash"}),
    ),
    "kunit": Expected(
        packages=frozenset({"kunit-runner", "kmod"}),
        own="kunit-runner",
        tmpfiles=("d /var/lib/kunit ",),
        runner=("kunit", "kunit"),
    ),
    "ltp": Expected(
        packages=frozenset({"ltp", "numactl", "gzip"}),
        own="ltp",
        users=frozenset({"bin", "daemon"}),
        groups=frozenset({"bin", "daemon"}),
        tmpfiles=("L+ /opt/ltp ",),
        variables=(("LTPROOT", "/opt/ltp"),),
        runner=("ltp", "ltp"),
        fhs=frozenset({"/bin/bash"}),
    ),
    "mmtests": Expected(
        packages=frozenset({"mmtests", "damo", "perf-linux", "R", "cpupower"}),
        own="mmtests",
        tmpfiles=("C /var/lib/mmtests-tree ",),
        variables=(("ASSUME_PACKAGE_INSTALLED", "yes"),),
        runner=("mmtests", "mmtests"),
        fhs=frozenset({"/bin/bash", "/bin/kill", "/usr/bin/time", "/usr/bin/perl"}),
    ),
    "pynfs": Expected(
        packages=frozenset({"pynfs", "nfstest", "nfs-utils", "krb5"}),
        own="pynfs",
        tmpfiles=("d /var/lib/pynfs/nfstest ",),
        enabled=frozenset({"rpcbind", "nfsServer"}),
        runner=("pynfs", "pynfs"),
        exports=frozenset({"/export/pynfs", "/export/nfstest"}),
    ),
    "selftests": Expected(
        packages=frozenset({"bpftools", "iproute2", "nftables", "socat", "trace-cmd"}),
        runner=("kselftest", "kselftest"),
        fhs=frozenset({"/bin/bash", "/usr/bin/timeout", "/sbin/modprobe"}),
    ),
    "sysbench": Expected(
        packages=frozenset({"sysbench"}),
        own="sysbench",
        enabled=frozenset({"mysql", "postgresql"}),
        runner=("sysbench", "sysbench"),
    ),
    "usertests": Expected(
        packages=frozenset({"usertests-runner", "liburcu", "gcc-wrapper", "gnumake"}),
        own="usertests-runner",
        tmpfiles=("d /var/lib/usertests ",),
        variables=(("USERTESTS_TREE", "/mnt/linux"),),
        runner=("usertests", "usertests"),
    ),
}

# The monitoring profile's template units and the directory each writes in.
MONITORS = {
    "sysstat": "sysstat",
    "cpu-governor": "cpu_governor",
    "blkalgn": "blkalgn",
    "biolatency": "biolatency",
}

PROFILE_EXPECTATIONS = {
    "devel": Expected(
        packages=frozenset(
            {
                *("gdb", "crash", "strace", "bpftrace", "perf-linux", "libbpf-tools", "b4", "vim"),
                # Everyday storage, I/O and performance tools, whatever the suites bring.
                *("fio", "nvme-cli", "libnvme", "sg3_utils", "xnvme", "liburing"),
                *("stress-ng", "blktrace", "cpupower", "damo", "numactl", "iperf"),
                *("powertop", "pagemon"),
            }
        ),
        own="crash",
        sysctl=(("kernel.kptr_restrict", 0), ("kernel.perf_event_paranoid", -1)),
    ),
    "build-tools": Expected(
        packages=frozenset(
            {"gcc-wrapper", "clang-wrapper", "gnumake", "flex", "bison", "pahole", "sparse"}
        ),
        own="clang-wrapper",
        variables=(("C_INCLUDE_PATH", "/run/current-system/sw/include"),),
    ),
    "monitoring": Expected(
        packages=frozenset({"sysstat", "fastfetch", "iotop", "htop", "numactl"}),
        own="fastfetch",
        services=frozenset(f"monitor-{name}@" for name in MONITORS),
    ),
    "controller": Expected(
        packages=frozenset({"virtiofsd"}),
        own="virtiofsd",
        services=frozenset({"libvirtd"}),
        enabled=frozenset({"libvirtd"}),
    ),
}


def assert_present(guest: Guest, what: str, expected: Expected) -> None:
    config = guest.config
    missing = expected.packages - set(config["packages"])
    assert not missing, f"{what}: packages missing: {sorted(missing)}"
    assert expected.users <= set(config["users"]), what
    assert expected.groups <= set(config["groups"]), what
    for prefix in expected.tmpfiles:
        assert guest.has_tmpfile(prefix), f"{what}: no tmpfiles rule {prefix!r}"
    assert expected.services <= set(config["services"]), what
    for name, value in expected.variables:
        assert config["variables"].get(name) == value, f"{what}: {name}"
    assert expected.etc <= set(config["etc"]), what
    for name, value in expected.sysctl:
        assert config["kernel"]["sysctl"].get(name) == value, f"{what}: {name}"
    for service in expected.enabled:
        assert config["enabledServices"][service] is True, f"{what}: {service}"
    if expected.runner:
        unit = expected.runner[0]
        assert unit in config["runners"], f"{what}: no runner unit {unit}@"
        assert f"{unit}@" in config["services"], what
    for path in expected.fhs:
        assert fhs_link(guest, path), f"{what}: {path} is not linked at boot"
    for directory in expected.exports:
        assert exported(guest, directory), f"{what}: {directory} is not exported"


def fhs_link(guest: Guest, path: str) -> str | None:
    """The store program an FHS path links to (a tmpfiles L+ rule), if any."""
    for rule in guest.config["tmpfiles"]:
        fields = rule.split()
        if fields[:2] == ["L+", path]:
            return fields[-1]
    return None


def exported(guest: Guest, directory: str) -> bool:
    return any(line.split()[:1] == [directory] for line in guest.config["nfsExports"].splitlines())


def assert_absent(guest: Guest, what: str, expected: Expected) -> None:
    config = guest.config
    if expected.own:
        assert expected.own not in config["packages"], what
    assert not expected.users & set(config["users"]), what
    for prefix in expected.tmpfiles:
        assert not guest.has_tmpfile(prefix), f"{what}: tmpfiles rule {prefix!r}"
    assert not expected.services & set(config["services"]), what
    for name, _ in expected.variables:
        assert name not in config["variables"], f"{what}: {name}"
    for service in expected.enabled:
        if not any(
            service in SUITES[suite].enabled for suite in guest.test_suites if suite in SUITES
        ):
            assert config["enabledServices"][service] is False, f"{what}: {service}"
    if expected.runner:
        assert expected.runner[0] not in config["runners"], what


def assert_selected(guest: Guest, kind: str, expectations: dict, selected: tuple[str, ...]):
    for name, expected in expectations.items():
        check = assert_present if name in selected else assert_absent
        check(guest, f"{kind} {name}", expected)
