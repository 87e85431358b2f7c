"""suite-run and kernel-config, the guest's runner, against stand-in guests.

Each test builds a guest under a directory (SUITE_RUN_ROOT): the kernel's
modules tree, /proc/self/mountinfo, the suite's installed tree with a
stand-in for its own entry point (./check, run_kselftest.sh, kirk) that
prints and writes what the real one does. The runner is run as the units
run it, as a program; only the suites themselves are stand-ins.
"""

import json
import os
import pwd
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from suite_runner import cli, results, tools
from suite_runner.host import Host
from suite_runner.suite import PrepareError
from suite_runner.suites import SUITES
from suite_runner.suites import fstests as fstests_suite
from suite_runner.suites.fstests import Fstests

from tests import kdevops_fstests
from tests.support import LIBRARY, REPOSITORY

RUNNER = LIBRARY / "pkgs" / "suite-runner"
RELEASE = "6.18.0-test"
SHARE_MOUNTINFO = "42 30 0:40 / {path} rw,relatime - virtiofs {tag} rw\n"
ROOT_MOUNTINFO = "22 1 0:21 / / rw,relatime - tmpfs none rw,mode=755\n"


@dataclass
class Guest:
    root: Path
    bin_dir: Path

    def path(self, absolute: str) -> Path:
        return self.root / absolute.lstrip("/")

    def write(self, absolute: str, text: str, mode: int = 0o644) -> Path:
        path = self.path(absolute)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(mode)
        return path

    def share(self, *mount_points: str) -> None:
        lines = [ROOT_MOUNTINFO]
        for mount_point in mount_points:
            lines.append(SHARE_MOUNTINFO.format(path=self.path(mount_point), tag="results"))
        # mountinfo names mount points as the guest sees them.
        text = "".join(lines).replace(str(self.root), "")
        self.write("/proc/self/mountinfo", text)

    def tool(self, name: str, script: str) -> None:
        tool = self.bin_dir / name
        tool.write_text("#!/bin/sh\n" + script)
        tool.chmod(0o755)

    def env(self, **more: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("KCONFIG_PATH", "HOST_OPTIONS", "LTPROOT")
        }
        return {
            **env,
            "PYTHONPATH": str(RUNNER),
            "PATH": f"{self.bin_dir}:{os.environ['PATH']}",
            "SUITE_RUN_ROOT": str(self.root),
            "SUITE_RUN_RELEASE": RELEASE,
            **more,
        }

    def run(self, *argv: str, module: str = "suite_runner", **env: str):
        return subprocess.run(
            [sys.executable, "-m", module, *argv],
            capture_output=True,
            text=True,
            env=self.env(**env),
        )

    def only_run(self, results_dir: str) -> Path:
        """The one run filed for RELEASE (beside the runs: selftests' tree, fstests' results)."""
        (run_dir,) = [
            path
            for path in self.path(results_dir).joinpath(RELEASE).iterdir()
            if path.name not in ("tree", "results")
        ]
        return run_dir


@pytest.fixture
def guest(tmp_path) -> Guest:
    guest = Guest(tmp_path / "guest", tmp_path / "bin")
    guest.root.mkdir()
    guest.bin_dir.mkdir()
    guest.share()
    return guest


def summary_of(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text())


# kernel-config


def test_kernel_config_finds_the_config_beside_the_modules_and_links_it_into_boot(guest):
    config = guest.write(f"/lib/modules/{RELEASE}/config", "CONFIG_XFS_FS=m\n")
    completed = guest.run("--link", module="suite_runner.kconfig_main")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == str(config)
    boot = guest.path(f"/boot/config-{RELEASE}")
    assert boot.is_symlink() and boot.resolve() == config
    # A second boot leaves the link alone.
    assert guest.run("--link", module="suite_runner.kconfig_main").returncode == 0


def test_kernel_config_takes_kconfig_path_first_and_never_links_the_gzip_one(guest):
    guest.write(f"/lib/modules/{RELEASE}/config", "CONFIG_A=y\n")
    chosen = guest.write("/srv/kconfig", "CONFIG_B=y\n")
    found = guest.run(module="suite_runner.kconfig_main", KCONFIG_PATH=str(chosen))
    assert found.stdout.strip() == str(chosen)

    guest.path(f"/lib/modules/{RELEASE}/config").unlink()
    proc = guest.write("/proc/config.gz", "gzip")
    linked = guest.run("--link", module="suite_runner.kconfig_main")
    assert linked.stdout.strip() == str(proc)
    assert not guest.path(f"/boot/config-{RELEASE}").exists()


def test_kernel_config_says_where_it_looked_and_what_to_do_when_there_is_none(guest):
    completed = guest.run("--link", module="suite_runner.kconfig_main")
    assert completed.returncode == 1
    assert f"no kernel config found for {RELEASE}" in completed.stderr
    assert f"/lib/modules/{RELEASE}/config" in completed.stderr
    assert "CONFIG_IKCONFIG_PROC=y" in completed.stderr


# kdevops-ng's kernel flow as it is: f/kernel/install_modules.py main() runs
# `make modules_install INSTALL_MOD_PATH=<destdir>` (which leaves `build`, an
# absolute link to the build tree) and adds `source`, a link to the worktree;
# it copies no .config. f/kernel/publish.py main() adds a copy of
# lib/modules/<release> to the store as kernel-<release>, without both links,
# and the flow's manifest hands that store copy to f/qsu as `modules`.
# f/kernel/publish_devel.py main() adds the build tree's *.h, *.c and *.cmd
# as kernel-devel-<release>. The guest mounts the host's whole /nix/store.

UPSTREAM_RELEASE = "7.1.0-rc7-vanilla-3f2a9c1d0b7e"
UPSTREAM_AUTOCONF = """\
/*
 * Automatically generated file; DO NOT EDIT.
 * Linux/x86 7.1.0-rc7 Kernel Configuration
 */
#define CONFIG_XFS_FS_MODULE 1
#define CONFIG_BLK_DEV_ZONED 1
#define CONFIG_LSM "landlock,lockdown,yama"
#define CONFIG_HZ 1000
#define CONFIG_PHYSICAL_START 0x1000000
#define CONFIG_LOCALVERSION "-vanilla-3f2a9c1d0b7e"
"""


def upstream_modules_tree(modules: Path) -> None:
    """What make modules_install leaves in <INSTALL_MOD_PATH>/lib/modules/<release>."""
    tree = modules / UPSTREAM_RELEASE
    (tree / "kernel/fs/xfs").mkdir(parents=True)
    (tree / "kernel/fs/xfs/xfs.ko").write_bytes(b"\x7fELF")
    for name in ("modules.dep", "modules.order", "modules.builtin", "modules.alias"):
        (tree / name).write_text("")


def upstream_published_kernel(guest: Guest, devel: bool) -> None:
    """The store copies publish and publish_devel make; /lib/modules is the first one's."""
    run_layer = f"/nix/store/0a1b2c3d-kernel-{UPSTREAM_RELEASE}"
    for name in (f"bzImage-{UPSTREAM_RELEASE}", f"System.map-{UPSTREAM_RELEASE}"):
        guest.write(f"{run_layer}/boot/{name}", "")
    upstream_modules_tree(guest.path(f"{run_layer}/lib/modules"))
    guest.path("/lib").mkdir(exist_ok=True)
    guest.path("/lib/modules").symlink_to(guest.path(f"{run_layer}/lib/modules"))
    guest.write("/nix/store/9f8e7d6c-hello-2.12/bin/hello", "")
    if devel:
        devel_layer = f"/nix/store/4e5f6a7b-kernel-devel-{UPSTREAM_RELEASE}"
        guest.write(f"{devel_layer}/include/generated/autoconf.h", UPSTREAM_AUTOCONF)
        guest.write(f"{devel_layer}/include/generated/utsrelease.h", "")
        guest.write(f"{devel_layer}/fs/xfs/.xfs_super.o.cmd", "")


def test_upstreams_published_kernel_gets_a_config_derived_from_its_devel_layer(guest):
    upstream_published_kernel(guest, devel=True)
    modules = guest.path(f"/lib/modules/{UPSTREAM_RELEASE}")
    assert not (modules / "build").exists() and not (modules / "config").exists()

    completed = guest.run(
        "--link", module="suite_runner.kconfig_main", SUITE_RUN_RELEASE=UPSTREAM_RELEASE
    )
    assert completed.returncode == 0, completed.stderr
    boot = guest.path(f"/boot/config-{UPSTREAM_RELEASE}")
    assert completed.stdout.strip() == str(boot)
    header = f"/nix/store/4e5f6a7b-kernel-devel-{UPSTREAM_RELEASE}/include/generated/autoconf.h"
    assert f"kernel-config: derived {boot} from {header}" in completed.stderr
    lines = boot.read_text().splitlines()
    assert lines[0] == f"# Derived by kernel-config from {header}"
    assert lines[2:] == [
        "CONFIG_XFS_FS=m",
        "CONFIG_BLK_DEV_ZONED=y",
        'CONFIG_LSM="landlock,lockdown,yama"',
        "CONFIG_HZ=1000",
        "CONFIG_PHYSICAL_START=0x1000000",
        'CONFIG_LOCALVERSION="-vanilla-3f2a9c1d0b7e"',
    ]

    # A unit started after kernel-config.service hands it to its suite.
    blktests_tree(guest, 'echo "KCONFIG_PATH=$KCONFIG_PATH"\n')
    run = guest.run(
        "blktests", "block", "--results", "/var/lib/blktests", SUITE_RUN_RELEASE=UPSTREAM_RELEASE
    )
    assert f"suite-run: kernel config: {boot}" in run.stdout
    assert f"KCONFIG_PATH={boot}" in run.stdout


def test_upstreams_kernel_without_its_devel_layer_has_each_unit_say_what_to_add(guest):
    # A kernel fetched from a peer (f/kernel/fetch_identity.py) brings its run
    # layer only.
    upstream_published_kernel(guest, devel=False)
    completed = guest.run(
        "--link", module="suite_runner.kconfig_main", SUITE_RUN_RELEASE=UPSTREAM_RELEASE
    )
    assert completed.returncode == 1
    assert not guest.path(f"/boot/config-{UPSTREAM_RELEASE}").exists()
    blktests_tree(guest, "exit 0\n")
    run = guest.run(
        "blktests", "block", "--results", "/var/lib/blktests", SUITE_RUN_RELEASE=UPSTREAM_RELEASE
    )
    for said in (completed.stderr, run.stdout):
        assert f"no kernel config found for {UPSTREAM_RELEASE}" in said
        assert f"/lib/modules/{UPSTREAM_RELEASE}/build/.config" in said
        assert f"/nix/store/*-kernel-devel-{UPSTREAM_RELEASE}/" in said
        assert (
            f"The kernel side must add one of: its .config copied to lib/modules/"
            f"{UPSTREAM_RELEASE}/config in the modules tree it shares as /lib/modules "
            "(after make modules_install), or CONFIG_IKCONFIG=y and CONFIG_IKCONFIG_PROC=y"
        ) in said


def test_upstreams_unpublished_modules_tree_leads_to_the_build_tree_only_through_a_share(
    guest, tmp_path
):
    # installation.install off: no publish, so `modules` is the worker's
    # destdir, and its `build` link names the build tree by its host path,
    # which the guest reaches only through the home share (same path).
    linux = tmp_path / "home/kdevops/kdevops-ng/workbench/workers/0000/main/linux"
    (linux / "build").mkdir(parents=True)
    (linux / "build/.config").write_text("CONFIG_XFS_FS=m\n")
    destdir_modules = linux / "destdir/lib/modules"
    upstream_modules_tree(destdir_modules)
    (destdir_modules / UPSTREAM_RELEASE / "build").symlink_to(linux / "build")
    (destdir_modules / UPSTREAM_RELEASE / "source").symlink_to(linux)
    guest.path("/lib").mkdir()
    guest.path("/lib/modules").symlink_to(destdir_modules)

    shared = guest.run(module="suite_runner.kconfig_main", SUITE_RUN_RELEASE=UPSTREAM_RELEASE)
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout.strip() == str(
        guest.path(f"/lib/modules/{UPSTREAM_RELEASE}/build/.config")
    )

    (linux / "build").rename(linux / "build.unshared")
    unshared = guest.run(module="suite_runner.kconfig_main", SUITE_RUN_RELEASE=UPSTREAM_RELEASE)
    assert unshared.returncode == 1
    assert f"no kernel config found for {UPSTREAM_RELEASE}" in unshared.stderr


def test_the_docs_line_for_upstreams_install_step_puts_the_config_where_the_guest_looks(
    guest, tmp_path
):
    text = (REPOSITORY / "docs" / "design" / "kdevops-ng-contract.rst").read_text()
    (line,) = [
        line.strip()
        for line in text.splitlines()
        if line.startswith("    (modules / (build / ") and "kernel.release" in line
    ]
    # install_modules.main()'s names: build, the O= tree kbuild wrote the
    # release into; modules, <destdir>/lib/modules after modules_install.
    build = tmp_path / "linux/build"
    (build / "include/config").mkdir(parents=True)
    (build / "include/config/kernel.release").write_text(f"{UPSTREAM_RELEASE}\n")
    (build / ".config").write_text("CONFIG_XFS_FS=m\n# CONFIG_IKCONFIG is not set\n")
    modules = tmp_path / "linux/destdir/lib/modules"
    upstream_modules_tree(modules)
    exec(line, {"build": build, "modules": modules})
    # publish's store copy of lib/modules/<release> keeps the file.
    guest.path("/lib").mkdir()
    guest.path("/lib/modules").symlink_to(modules)

    completed = guest.run(
        "--link", module="suite_runner.kconfig_main", SUITE_RUN_RELEASE=UPSTREAM_RELEASE
    )
    assert completed.returncode == 0, completed.stderr
    config = guest.path(f"/lib/modules/{UPSTREAM_RELEASE}/config")
    assert completed.stdout.strip() == str(config)
    assert config.read_text() == (build / ".config").read_text()
    assert guest.path(f"/boot/config-{UPSTREAM_RELEASE}").resolve() == config.resolve()


# What every run says first, and where results go


def blktests_tree(guest: Guest, script: str) -> Path:
    tree = "/run/current-system/sw/lib/blktests"
    for group in ("block", "loop"):
        guest.path(f"{tree}/tests/{group}").mkdir(parents=True)
    guest.write(f"{tree}/tests/block/001", "")
    guest.write(f"{tree}/check", "#!/bin/sh\n" + script, 0o755)
    if not guest.path("/etc/blktests/config").exists():
        guest.write("/etc/blktests/config", "NORMAL_USER=dev\n")
    return guest.path(tree)


BLKTESTS_CHECK = """
echo "check $*"
out=$2
mkdir -p "$out/nodev/block" "$out/vdb/loop"
printf 'status\\tpass\\nruntime\\t1.2s\\n' > "$out/nodev/block/001"
printf 'status\\tfail\\nreason\\toutput\\n' > "$out/nodev/block/002"
echo diff > "$out/nodev/block/002.out.bad"
printf 'status\\tnot run\\n' > "$out/vdb/loop/001"
mkdir -p "$out/nodev_tr_loop/nvme" "$out/nodev_tr_tcp/nvme"
printf 'status\\tfail\\n' > "$out/nodev_tr_loop/nvme/003"
printf 'status\\tpass\\n' > "$out/nodev_tr_tcp/nvme/003"
echo "block/001 (a test)                                          [passed]"
exit 1
"""


def test_a_run_is_filed_per_kernel_release_with_a_summary_a_script_can_read(guest):
    blktests_tree(guest, BLKTESTS_CHECK)
    guest.write("/etc/blktests/config", "NORMAL_USER=dev\nTEST_DEVS=(/dev/vdb)\n")
    guest.write(f"/lib/modules/{RELEASE}/config", "CONFIG_BLK_DEV_ZONED=y\n")
    guest.share("/var/lib/blktests")

    completed = guest.run("blktests", "block", "--results", "/var/lib/blktests")
    assert completed.returncode == 1, completed.stderr  # block/002 failed
    run_dir = guest.only_run("/var/lib/blktests")
    summary = summary_of(run_dir)
    assert summary["counts"] == {"passed": 2, "failed": 2, "skipped": 1, "notrun": 0}
    assert summary["tests"] == {
        "block/001": "passed",
        "block/002": "failed",
        "loop/001 => vdb": "skipped",
        # Each nvme transport is its own result.
        "nvme/003 => nodev_tr_loop": "failed",
        "nvme/003 => nodev_tr_tcp": "passed",
    }
    assert summary["kernel_release"] == RELEASE and summary["results_on_host"] is True
    assert summary["kernel_config"].endswith(f"/lib/modules/{RELEASE}/config")
    assert summary["exit_status"] == 1
    assert summary["command"] == [
        "./check",
        "-o",
        str(run_dir),
        "-c",
        "/etc/blktests/config",
        "block",
    ]
    assert (run_dir / "output.log").read_text().startswith(f"check -o {run_dir}")
    lines = completed.stdout.splitlines()
    assert lines[0] == "suite-run: blktests@block on kernel 6.18.0-test"
    assert lines[1].startswith("suite-run: kernel config: ")
    assert lines[2] == "suite-run: results go to the host: /var/lib/blktests is a virtiofs share"
    assert "blktests@block: 2 passed, 2 failed, 1 skipped, 0 notrun (exit status 1)" in lines[-2]


def test_without_a_share_or_a_kernel_config_the_run_says_so_and_still_runs(guest):
    blktests_tree(guest, "exit 0\n")
    completed = guest.run("blktests", "block", "--results", "/var/lib/blktests")
    assert completed.returncode == 0, completed.stderr
    assert "suite-run: warning: no kernel config found for 6.18.0-test" in completed.stdout
    assert (
        "suite-run: warning: results stay in the guest (/var/lib/blktests is on tmpfs at /) "
        "and are lost with the VM: have the host serve the suite's share at /var/lib/blktests"
    ) in completed.stdout
    summary = summary_of(guest.only_run("/var/lib/blktests"))
    assert summary["results_on_host"] is False and summary["kernel_config"] is None
    # A plain-text config reaches the suite as KCONFIG_PATH.
    guest.write(f"/lib/modules/{RELEASE}/config", "CONFIG_X=y\n")
    blktests_tree_again = guest.path("/run/current-system/sw/lib/blktests/check")
    blktests_tree_again.write_text('#!/bin/sh\necho "KCONFIG_PATH=$KCONFIG_PATH"\n')
    seen = guest.run("blktests", "block", "--results", "/var/lib/blktests")
    assert f"KCONFIG_PATH={guest.path(f'/lib/modules/{RELEASE}/config')}" in seen.stdout


def test_runs_started_in_the_same_second_get_their_own_directories(tmp_path, mocker):
    mocker.patch("time.strftime", return_value="20261125T120000")
    made = [results.new_run_dir(tmp_path, RELEASE) for _ in range(3)]
    assert [path.name for path in made] == [
        "20261125T120000",
        "20261125T120000.2",
        "20261125T120000.3",
    ]


def test_missing_prerequisites_are_all_named_and_nothing_runs(guest):
    blktests_tree(guest, "echo ran; exit 0\n")
    completed = guest.run("blktests", "nosuchgroup", "--results", "/r")
    assert completed.returncode == 2
    assert "suite-run: missing: no blktests group or test 'nosuchgroup' (groups: block, loop)" in (
        completed.stderr
    )
    assert "not started: 1 prerequisite(s) missing" in completed.stderr
    assert "ran" not in completed.stdout
    assert not guest.path("/r").exists()


def test_an_unknown_suite_is_refused_with_the_known_ones(guest):
    completed = guest.run("nosuchsuite", "x")
    assert completed.returncode == 2
    assert "invalid choice: 'nosuchsuite'" in completed.stderr
    for name in (
        "blktests",
        "fstests",
        "gitr",
        "kselftest",
        "kunit",
        "ltp",
        "mmtests",
        "nfstest",
        "pynfs",
        "sysbench",
        "usertests",
    ):
        assert name in completed.stderr


# fstests


# What ./check does that the runner relies on: it reads HOST_OPTIONS, files
# a section's results under $RESULT_BASE/<section>/, writes the xunit
# report there and says so (common/report), and ends with its summary.
FSTESTS_CHECK = """
section=$2
echo "check $* RESULT_BASE=$RESULT_BASE HOST_OPTIONS=$HOST_OPTIONS"
mkdir -p "$RESULT_BASE/$section"
cat > "$RESULT_BASE/$section/result.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="xfstests" failures="1" skipped="1" tests="3">
  <testcase classname="xfstests.nfs" name="generic/001" time="2"></testcase>
  <testcase classname="xfstests.nfs" name="generic/002" time="1">
    <failure message="- output mismatch" type="TestFail" />
  </testcase>
  <testcase classname="xfstests.nfs" name="generic/003" time="0">
    <skipped message="not suitable for this filesystem type" />
  </testcase>
</testsuite>
XML
echo "SECTION       -- $section"
echo "generic/001 3s ...  2s"
echo "Ran: generic/001 generic/002 generic/003"
echo "Not run: generic/003"
echo "Failures: generic/002"
echo "Failed 1 of 3 tests"
echo "Xunit report: $RESULT_BASE/$section/result.xml"
exit 1
"""

# nixpkgs' xfstests-check: ./check from a scratch tree, RESULT_BASE=$PWD/results.
XFSTESTS_CHECK_WRAPPER = 'export RESULT_BASE="$(pwd)/results"\nexec "$SUITE_RUN_ROOT{check}" "$@"\n'

LOCAL_CONFIG = """\
# common to every section
SCRATCH_MNT=/mnt/scratch

[xfs]
FSTYP=xfs
TEST_DEV=/dev/vdb
TEST_DIR=/mnt/test
SCRATCH_DEV=/dev/vdc

[nfs]
FSTYP=nfs
TEST_DEV=localhost:/export/test
TEST_DIR=/mnt/nfs-test
SCRATCH_DEV=localhost:/export/scratch
SCRATCH_MNT=/mnt/nfs-scratch
"""


def fstests_tree(guest: Guest, check: str = FSTESTS_CHECK) -> None:
    """The tree where the fstests module links it, the wrapper, and a config on the share."""
    guest.write(kdevops_fstests.GUEST_CHECK, "#!/bin/sh\n" + check, 0o755)
    guest.tool("xfstests-check", XFSTESTS_CHECK_WRAPPER.format(check=kdevops_fstests.GUEST_CHECK))
    guest.write(f"{kdevops_fstests.GUEST_STATE_DIR}/local.config", LOCAL_CONFIG)


def check_env(text: str) -> dict[str, str]:
    """An EnvironmentFile's assignments, as systemd reads one without quotes."""
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def test_fstests_runs_as_kdevops_ngs_fstests_flows_drive_it(guest):
    """Their render_config's check.env on the share; collect's report path; our summary."""
    share = kdevops_fstests.GUEST_STATE_DIR
    fstests_tree(guest)
    guest.share(share)
    env_file = guest.write(f"{share}/check.env", kdevops_fstests.check_env("-g quick -R xunit"))
    # The unit's own Environment=, which the EnvironmentFile overrides.
    unit_env = {"XFSTESTS_CHECK_ARGS": "-g auto"} | check_env(env_file.read_text())
    completed = guest.run("fstests", "nfs", "--results", share, **unit_env)
    assert completed.returncode == 1, completed.stderr
    results = guest.path(share) / RELEASE / "results"
    # One -R xunit: twice would file every test twice in the report.
    assert (
        f"check -s nfs -g quick -R xunit RESULT_BASE={results} "
        f"HOST_OPTIONS={guest.path(share)}/local.config"
    ) in completed.stdout
    report = guest.path(str(kdevops_fstests.section_report(RELEASE, "nfs")))
    assert report.is_file()
    run_dir = guest.only_run(share)
    assert run_dir.parent == results.parent and run_dir.name != "results"
    summary = summary_of(run_dir)
    assert summary["tests"] == {
        "generic/001": "passed",
        "generic/002": "failed",
        "generic/003": "skipped",
    }
    assert summary["results_on_host"] is True
    assert (run_dir / "result.xml").read_text() == report.read_text()


def test_fstests_without_a_check_env_runs_the_modules_config_and_arguments(guest):
    fstests_tree(guest)
    guest.path("/var/lib/xfstests/local.config").unlink()
    guest.write("/etc/xfstests/local.config", LOCAL_CONFIG)
    completed = guest.run("fstests", "nfs", "--results", "/var/lib/xfstests")
    assert completed.returncode == 1, completed.stderr
    assert "check -s nfs -R xunit -g auto RESULT_BASE=" in completed.stdout
    assert f"HOST_OPTIONS={guest.path('/etc/xfstests/local.config')}" in completed.stdout
    assert "suite-run: created TEST_DIR=/mnt/nfs-test" in completed.stdout
    assert "suite-run: created SCRATCH_MNT=/mnt/nfs-scratch" in completed.stdout
    assert guest.path("/mnt/nfs-test").is_dir() and guest.path("/mnt/nfs-scratch").is_dir()


def test_fstests_statuses_come_from_the_report_of_this_run_only(guest):
    """A report an earlier run left, which this run does not name, is not read."""
    no_report = FSTESTS_CHECK.replace('echo "Xunit report: $RESULT_BASE/$section/result.xml"\n', "")
    fstests_tree(guest, no_report)
    stale = guest.write(
        str(kdevops_fstests.section_report(RELEASE, "nfs")),
        '<testsuite><testcase name="generic/999"/></testsuite>',
    )
    completed = guest.run("fstests", "nfs", "--results", "/var/lib/xfstests")
    assert completed.returncode == 1, completed.stderr
    run_dir = guest.only_run("/var/lib/xfstests")
    # check's closing lines instead: what it ran, skipped and failed.
    assert summary_of(run_dir)["tests"] == {
        "generic/001": "passed",
        "generic/002": "failed",
        "generic/003": "skipped",
    }
    assert not (run_dir / "result.xml").exists()
    assert stale.is_file()


def test_fstests_reads_every_pass_of_an_iterated_run(tmp_path):
    """check -i N: one testcase per test and pass."""
    report = tmp_path / "result.xml"
    report.write_text(
        "<testsuite>"
        '<testcase name="a"/><testcase name="a"><failure message="x"/></testcase>'
        '<testcase name="b"><skipped/></testcase><testcase name="b"/>'
        '<testcase name="c"><skipped/></testcase><testcase name="c"><skipped/></testcase>'
        "</testsuite>"
    )
    assert fstests_suite.xunit_statuses(report) == {"a": "failed", "b": "passed", "c": "skipped"}
    assert fstests_suite.reports_asked(["-g", "auto", "-R", "xunit-quiet,xunit"]) == {
        "xunit-quiet",
        "xunit",
    }


def test_fstests_names_what_a_section_lacks(guest):
    fstests_tree(guest)
    unknown = guest.run("fstests", "ext4", "--results", "/r")
    assert unknown.returncode == 2
    assert "has no [ext4] section (sections: xfs, nfs)" in unknown.stderr
    # /dev/vdb and /dev/vdc are not block devices in this guest.
    local = guest.run("fstests", "xfs", "--results", "/r")
    assert local.returncode == 2
    assert "missing: TEST_DEV=/dev/vdb is not a block device: attach a disk" in local.stderr
    assert "missing: SCRATCH_DEV=/dev/vdc is not a block device: attach a disk" in local.stderr
    guest.path("/var/lib/xfstests/local.config").unlink()
    no_config = guest.run("fstests", "xfs", "--results", "/r")
    assert (
        "/etc/xfstests/local.config: no fstests config; write /var/lib/xfstests/local.config "
        "with a [xfs] section, set HOST_OPTIONS in /var/lib/xfstests/check.env, or set "
        "nixos-flake.testSuites.fstests.localConfig"
    ) in no_config.stderr
    guest.path(kdevops_fstests.GUEST_CHECK).unlink()
    no_tree = guest.run("fstests", "xfs", "--results", "/r")
    assert "/usr/lib/xfstests/check: no fstests tree" in no_tree.stderr


def test_fstests_sections_inherit_what_earlier_sections_set(guest, mocker):
    """fstests' README.config-sections: options carry from one section to the next."""
    fstests_tree(guest)
    guest.write(
        "/var/lib/xfstests/local.config",
        "[ext4]\nFSTYP=ext4\nTEST_DEV=/dev/vdb\nTEST_DIR=/mnt/test\n\n[xfs]\nFSTYP=xfs\n",
    )
    host = Host(root=guest.root, release=RELEASE)
    xfs = Fstests().variables(host, "xfs")
    assert (xfs["FSTYP"], xfs["TEST_DEV"], xfs["TEST_DIR"]) == ("xfs", "/dev/vdb", "/mnt/test")
    assert Fstests().variables(host, "ext4")["FSTYP"] == "ext4"
    mocker.patch("suite_runner.tools.is_block_device", return_value=True)
    mocker.patch("suite_runner.tools.missing_programs", return_value=[])
    mocker.patch("suite_runner.tools.file_system_on", return_value="ext4")
    assert Fstests().check(host, "xfs") == [
        "TEST_DEV=/dev/vdb holds ext4, section [xfs] tests xfs: make it one with "
        "mkfs.xfs /dev/vdb (this erases it)"
    ]


def test_extra_arguments_reach_the_suite_after_the_results_option(guest):
    fstests_tree(guest)
    completed = guest.run(
        "fstests", "nfs", "--results", "/r", "--", "-g", "quick", "-x", "dangerous"
    )
    assert "check -s nfs -R xunit -g quick -x dangerous" in completed.stdout, completed.stderr
    quoted = guest.run("fstests", "nfs", "--results", "/r", XFSTESTS_CHECK_ARGS="-E '/etc/my list'")
    assert "check -s nfs -R xunit -E /etc/my list RESULT_BASE" in quoted.stdout


def test_fstests_formats_a_blank_test_device_and_leaves_a_used_one_alone(guest, mocker):
    """A block device cannot be made here: the device checks are stood in for."""
    fstests_tree(guest)
    host = Host(root=guest.root, release=RELEASE)
    mocker.patch("suite_runner.tools.is_block_device", return_value=True)
    mocker.patch("suite_runner.tools.missing_programs", return_value=[])
    mkfs = mocker.patch("suite_runner.tools.make_file_system")
    mocker.patch("suite_runner.tools.file_system_on", return_value=None)
    fstests = Fstests()
    assert fstests.check(host, "xfs") == []
    done = fstests.prepare(host, "xfs")
    assert "formatted the blank TEST_DEV=/dev/vdb with mkfs.xfs" in done
    mkfs.assert_called_once_with("xfs", "/dev/vdb")

    mocker.patch("suite_runner.tools.file_system_on", return_value="ext4")
    assert fstests.check(host, "xfs") == [
        "TEST_DEV=/dev/vdb holds ext4, section [xfs] tests xfs: make it one with "
        "mkfs.xfs /dev/vdb (this erases it)"
    ]


def test_a_mkfs_that_fails_stops_the_run_with_its_reason(guest, monkeypatch, mocker, capsys):
    """mkfs gets no terminal to ask on, and its last line is the reason given."""
    guest.tool("mkfs.ext4", 'echo "mke2fs: Device size reported to be zero." >&2\nexit 1\n')
    monkeypatch.setenv("PATH", f"{guest.bin_dir}:{os.environ['PATH']}")
    with pytest.raises(PrepareError) as raised:
        tools.make_file_system("ext4", "/dev/vdb")
    assert str(raised.value) == (
        "mkfs.ext4 /dev/vdb failed (exit status 1): mke2fs: Device size reported to be zero."
    )
    # suite-run says so and stops before anything is filed.
    fstests_tree(guest)
    for name, value in guest.env().items():
        monkeypatch.setenv(name, value)
    mocker.patch.object(SUITES["fstests"], "prepare", side_effect=raised.value)
    assert cli.main(["fstests", "nfs", "--results", "/r"]) == 2
    assert "fstests@nfs not started: mkfs.ext4 /dev/vdb failed" in capsys.readouterr().err
    assert not guest.path("/r").exists()


# kselftest


KSELFTEST = """
echo "run_kselftest.sh $*"
echo "TAP version 13"
echo "1..3"
echo "# selftests: net: reuseport_bpf"
echo "ok 1 selftests: net: reuseport_bpf"
echo "ok 2 2 selftests: net: so_txtime # SKIP"
echo "not ok 3 selftests: net: tls # TIMEOUT 45 seconds"
exit 1
"""


def test_kselftest_runs_a_collection_from_the_release_tree_and_reads_its_tap(guest):
    tree = f"/var/lib/kselftests/{RELEASE}/tree"
    guest.write(f"{tree}/run_kselftest.sh", "#!/bin/sh\n" + KSELFTEST, 0o755)
    guest.write(
        f"{tree}/kselftest-list.txt",
        "net:reuseport_bpf\nnet:so_txtime\nnet:tls\nnet:never_ran\nmm:cow\n",
    )
    completed = guest.run("kselftest", "net", "--results", "/var/lib/kselftests")
    assert completed.returncode == 1
    assert "run_kselftest.sh -c net" in completed.stdout
    summary = summary_of(guest.only_run("/var/lib/kselftests"))
    assert summary["tests"] == {
        "net:reuseport_bpf": "passed",
        "net:so_txtime": "skipped",
        "net:tls": "failed",
        "net:never_ran": "notrun",
    }
    missing = guest.run("kselftest", "bpf", "--results", "/var/lib/kselftests")
    assert "no collection 'bpf' in" in missing.stderr


def test_kselftest_without_an_installed_tree_says_where_to_put_it(guest):
    completed = guest.run("kselftest", "net", "--results", "/r")
    assert completed.returncode == 2
    assert f"/var/lib/kselftests/{RELEASE}/tree/run_kselftest.sh does not exist" in (
        completed.stderr
    )


# LTP


KIRK = """
echo "kirk $* LTPROOT=$LTPROOT"
report=""
while [ $# -gt 0 ]; do
  [ "$1" = --json-report ] && report=$2
  shift
done
cat > "$report" <<'JSON'
{"results": [
 {"test_fqn": "abort01", "status": "pass", "test": {}},
 {"test_fqn": "fanotify01", "status": "conf", "test": {}},
 {"test_fqn": "madvise06", "status": "brok", "test": {}},
 {"test_fqn": "read02", "status": "fail", "test": {}}
], "stats": {}, "environment": {}}
JSON
"""


def test_ltp_runs_kirk_on_a_runtest_file_and_reads_its_json_report(guest):
    guest.write("/opt/ltp/kirk", "#!/bin/sh\n" + KIRK, 0o755)
    guest.write("/opt/ltp/runtest/syscalls", "abort01 abort01\n")
    completed = guest.run("ltp", "syscalls", "--results", "/var/lib/ltp")
    # kirk exits 0 with failed tests; the runner does not.
    assert completed.returncode == 1, completed.stderr
    run_dir = guest.only_run("/var/lib/ltp")
    assert f"kirk --run-suite syscalls --tmp-dir {run_dir} --json-report" in completed.stdout
    assert f"LTPROOT={guest.path('/opt/ltp')}" in completed.stdout
    assert summary_of(run_dir)["counts"] == {"passed": 1, "failed": 2, "skipped": 1, "notrun": 0}
    unknown = guest.run("ltp", "nosuch", "--results", "/var/lib/ltp")
    assert "no runtest file 'nosuch' in /opt/ltp/runtest (syscalls)" in unknown.stderr


# mmtests, pynfs, sysbench, gitr


def test_mmtests_runs_a_config_with_its_dependencies_assumed_and_keeps_its_log(guest):
    tree = "/var/lib/mmtests-tree"
    guest.write(f"{tree}/configs/config-workload-stream", "export MMTESTS=stream\n")
    guest.write(
        f"{tree}/run-mmtests.sh",
        '#!/bin/sh\necho "run-mmtests $* ASSUME=$ASSUME_PACKAGE_INSTALLED"\n'
        'name=$(eval echo \\${$#})\nmkdir -p "work/log/$name/iter-0"\n'
        'echo log > "work/log/$name/iter-0/mmtests.log"\n'
        'echo "test exit :: stream 0"\n',
        0o755,
    )
    completed = guest.run(
        "mmtests", "workload-stream", "--results", "/var/lib/mmtests", MMTESTS_DIR=tree
    )
    assert completed.returncode == 0, completed.stderr
    run_dir = guest.only_run("/var/lib/mmtests")
    assert (
        f"run-mmtests --no-monitor --config configs/config-workload-stream "
        f"{RELEASE}-{run_dir.name} ASSUME=yes"
    ) in completed.stdout
    assert (run_dir / "log" / "iter-0" / "mmtests.log").is_file()
    assert summary_of(run_dir)["tests"] == {"stream": "passed"}


def test_pynfs_tests_the_export_with_a_fresh_tree_and_reads_its_json(guest):
    guest.tool(
        "pynfs-4.1",
        'echo "pynfs $*"\nfor a; do case $a in --json=*) out=${a#--json=};; esac; done\n'
        'cat > "$out" <<\'JSON\'\n{"testcase": [{"code": "EID1", "name": "testSupported"},'
        ' {"code": "SEQ6", "name": "testReplay", "failure": {"message": "x"}},'
        ' {"code": "DELEG1", "name": "testDeleg", "skipped": 1}]}\nJSON\n',
    )
    completed = guest.run("pynfs", "4.1", "--results", "/var/lib/pynfs")
    assert completed.returncode == 1
    run_dir = guest.only_run("/var/lib/pynfs")
    assert (
        f"pynfs --maketree --json={run_dir}/results.json localhost:/export/pynfs all"
        in completed.stdout
    )
    assert summary_of(run_dir)["counts"] == {"passed": 1, "failed": 1, "skipped": 1, "notrun": 0}
    wrong = guest.run("pynfs", "3", "--results", "/var/lib/pynfs")
    assert "the instance is the NFS version, one of ('4.0', '4.1')" in wrong.stderr


NFSTEST = """
echo "nfstest_posix $*"
echo "*** Verify POSIX API access() on NFSv4"
echo "TEST: Running test 'access'"
echo "    PASS: access - file access allowed with mode F_OK"
echo "    PASS: access - file access allowed with mode R_OK"
echo "TEST: Running test 'open'"
echo "    PASS: open - file is created"
echo "    FAIL: open - O_EXCL fails when file exists"
echo "    PASS: open - file is closed"
echo "TEST: Running test 'chdir'"
echo ""
echo "5 tests (4 passed, 1 failed)"
exit 1
"""


def test_nfstest_runs_a_test_tool_against_the_guests_export(guest):
    guest.tool("nfstest_posix", NFSTEST)
    completed = guest.run("nfstest", "posix", "--results", "/var/lib/pynfs/nfstest")
    assert completed.returncode == 1
    run_dir = guest.only_run("/var/lib/pynfs/nfstest")
    assert (
        f"nfstest_posix --server localhost --export /export/nfstest --tmpdir {run_dir}"
        in completed.stdout
    )
    assert summary_of(run_dir)["tests"] == {
        "access": "passed",
        "open": "failed",
        "chdir": "skipped",
    }
    unknown = guest.run("nfstest", "nosuch", "--results", "/r")
    assert "nfstest_nosuch is not installed (is 'nosuch' an NFStest test?)" in unknown.stderr
    bad = guest.run("nfstest", "posix", "--results", "/r", NFSTEST_SERVER="localhost")
    assert "NFSTEST_SERVER=localhost: is not server:/path" in bad.stderr


def test_sysbench_fileio_refuses_a_directory_that_would_measure_ram(guest):
    guest.tool("sysbench", 'echo "sysbench $*"; echo "General statistics:"\n')
    guest.path("/mnt/test").mkdir(parents=True)
    unset = guest.run("sysbench", "fileio", "--results", "/r")
    assert "SYSBENCH_DIR is not set" in unset.stderr
    on_tmpfs = guest.run("sysbench", "fileio", "--results", "/r", SYSBENCH_DIR="/mnt/test")
    assert on_tmpfs.returncode == 2
    assert "SYSBENCH_DIR=/mnt/test is on tmpfs (/): fileio would not measure a disk" in (
        on_tmpfs.stderr
    )
    # A disk mounted there: prepare, run and cleanup in that directory.
    mountinfo = guest.path("/proc/self/mountinfo")
    mountinfo.write_text(mountinfo.read_text() + "50 22 8:16 / /mnt/test rw - xfs /dev/vdb rw\n")
    ran = guest.run("sysbench", "fileio", "--results", "/r", SYSBENCH_DIR="/mnt/test")
    assert ran.returncode == 0, ran.stderr
    steps = [line for line in ran.stdout.splitlines() if line.startswith("sysbench fileio")]
    assert [line.split()[-1] for line in steps] == ["prepare", "run", "cleanup"]
    assert "--file-test-mode=rndrw" in steps[1]


def test_sysbench_oltp_needs_its_database_running_and_uses_its_socket(guest):
    guest.tool("sysbench", 'echo "sysbench $*"; echo "General statistics:"\n')
    mariadb = guest.run("sysbench", "oltp_read_write", "--results", "/r")
    assert "/run/mysqld/mysqld.sock does not exist: MariaDB is not running" in mariadb.stderr
    postgresql = guest.run("sysbench", "oltp_read_only-pgsql", "--results", "/r")
    assert "/run/postgresql/.s.PGSQL.5432 does not exist: PostgreSQL is not running" in (
        postgresql.stderr
    )
    guest.write("/run/postgresql/.s.PGSQL.5432", "")
    ran = guest.run("sysbench", "oltp_read_only-pgsql", "--results", "/r")
    assert ran.returncode == 0, ran.stderr
    assert (
        "sysbench oltp_read_only --db-driver=pgsql --pgsql-host=/run/postgresql "
        "--pgsql-user=sbtest --pgsql-db=sbtest run"
    ) in ran.stdout
    not_oltp = guest.run("sysbench", "cpu-pgsql", "--results", "/r")
    assert "unknown workload 'cpu-pgsql'" in not_oltp.stderr


def test_gitr_refuses_tmpfs_and_a_missing_user(guest):
    guest.tool("gitr", "exit 0\n")
    guest.path("/mnt/test").mkdir(parents=True)
    completed = guest.run("gitr", "/mnt/test", "--results", "/var/lib/gitr")
    assert completed.returncode == 2
    assert "/mnt/test is on tmpfs (/), not on a file system under test" in completed.stderr
    assert "GITR_USER is not set" in completed.stderr
    nobody = guest.run("gitr", "/mnt/test", "--results", "/r", GITR_USER="no-such-user")
    assert "GITR_USER=no-such-user is not an account of this guest" in nobody.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to another account needs root")
def test_gitr_builds_and_tests_as_the_user_in_a_directory_of_its_own(guest, tmp_path):
    nobody = pwd.getpwnam("nobody")
    guest.tool("gitr", 'echo "gitr $* as $(id -u) HOME=$HOME"\n')
    # The stand-in guest lives under pytest's directory: let nobody reach it.
    for parent in (guest.root, *guest.root.parents):
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o011)
    guest.bin_dir.chmod(0o755)
    guest.path("/mnt/test").mkdir(parents=True)
    mountinfo = guest.path("/proc/self/mountinfo")
    mountinfo.write_text(mountinfo.read_text() + "50 22 8:16 / /mnt/test rw - xfs /dev/vdb rw\n")
    completed = guest.run("gitr", "/mnt/test", "--results", "/var/lib/gitr", GITR_USER="nobody")
    assert completed.returncode == 0, completed.stderr
    work = guest.path("/mnt/test/gitr")
    assert f"gitr {work} as {nobody.pw_uid} HOME={nobody.pw_dir}" in completed.stdout
    assert work.stat().st_uid == nobody.pw_uid
    # The run's own files are root's: only the work directory changes hands.
    assert guest.only_run("/var/lib/gitr").stat().st_uid == 0


def test_a_suite_that_cannot_be_started_is_a_failed_run(guest):
    tree = blktests_tree(guest, "exit 0\n")
    (tree / "check").chmod(0o644)
    completed = guest.run("blktests", "block", "--results", "/r")
    assert completed.returncode == 1
    assert "suite-run: cannot run ./check" in completed.stderr
    assert summary_of(guest.only_run("/r"))["exit_status"] == 127


def test_gitr_counts_each_test_script_from_its_counts_file(tmp_path):
    counts = tmp_path / "mnt" / "gitr" / "git" / "t" / "test-results"
    counts.mkdir(parents=True)
    # As test-lib.sh writes them: a missing_prereq line, empty when none is
    # missing, and a blank line at the end.
    for script, text in {
        "t0000-basic": "total 10\nsuccess 9\nfixed 0\nbroken 1\nfailed 0\nmissing_prereq \n\n",
        "t5550-http-fetch": "total 4\nsuccess 0\nfixed 0\nbroken 0\nfailed 0\n"
        "missing_prereq HTTPD\n\n",
        "t7400-submodule": "total 3\nsuccess 2\nfixed 0\nbroken 0\nfailed 1\nmissing_prereq \n\n",
        "t9800-git-p4": "total 0\nsuccess 0\nfixed 0\nbroken 0\nfailed 0\nmissing_prereq \n\n",
    }.items():
        (counts / f"{script}.counts").write_text(text)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    tests = SUITES["gitr"].collect(Host(tmp_path, RELEASE), "/mnt", run_dir, "")
    assert tests == {
        "t0000-basic": "passed",
        "t5550-http-fetch": "skipped",
        "t7400-submodule": "failed",
        "t9800-git-p4": "skipped",
    }
    assert (run_dir / "t7400-submodule.counts").is_file()


# kunit and usertests: their own runners, filed like every suite


def test_kunit_files_one_test_per_kunit_suite_from_kunit_runs_counts(guest):
    guest.tool(
        "kunit-run",
        'echo "kunit-run $*"\ncat > "$2/kunit.json" <<\'JSON\'\n'
        '{"example": {"passed": 2, "failed": 1, "skipped": 1},'
        ' "list-kunit-test": {"passed": 2, "failed": 0, "skipped": 0},'
        ' "skippy": {"passed": 0, "failed": 0, "skipped": 3}}\nJSON\nexit 1\n',
    )
    completed = guest.run("kunit", "all", "--results", "/var/lib/kunit")
    assert completed.returncode == 1
    run_dir = guest.only_run("/var/lib/kunit")
    assert f"kunit-run --run-dir {run_dir}" in completed.stdout
    assert summary_of(run_dir)["tests"] == {
        "example": "failed",
        "list-kunit-test": "passed",
        "skippy": "skipped",
    }
    one = guest.run("kunit", "example", "--results", "/var/lib/kunit")
    assert "kunit-run --run-dir" in one.stdout and one.stdout.count(" example") >= 1


def test_usertests_files_each_binary_and_needs_the_kernel_tree(guest):
    guest.tool(
        "usertests-run",
        'echo "usertests-run $*"\ncat > "$4/usertests.json" <<\'JSON\'\n'
        '{"radix-tree": {"main": {"status": "passed"}, "maple": {"status": "failed"},'
        ' "xarray": {"status": "not built"}}, "vma": {"build": {"status": "failed"}}}\nJSON\n',
    )
    no_tree = guest.run("usertests", "all", "--results", "/var/lib/usertests")
    assert no_tree.returncode == 2
    assert "missing: no kernel tree at /mnt/linux: share the tree under test" in no_tree.stderr
    guest.path("/mnt/linux/tools/testing").mkdir(parents=True)
    completed = guest.run("usertests", "all", "--results", "/var/lib/usertests")
    run_dir = guest.only_run("/var/lib/usertests")
    assert f"usertests-run --tree /mnt/linux --run-dir {run_dir}" in completed.stdout
    assert summary_of(run_dir)["tests"] == {
        "radix-tree/main": "passed",
        "radix-tree/maple": "failed",
        "radix-tree/xarray": "notrun",
        "vma/build": "failed",
    }
    assert completed.returncode == 1


# The summary's own rules


def test_a_summary_takes_only_the_four_statuses():
    summary = results.Summary("s", "i", RELEASE, "now", [], None, False)
    with pytest.raises(ValueError, match=r"unknown test statuses \['maybe'\]"):
        summary.finish(0, 1.0, {"a": "maybe"})


def test_every_suite_files_results_where_its_unit_is_told_to():
    """The suites' own defaults are the shares the flow mounts (the library's contract)."""
    from f.nix.common.library_contract import RESULT_SHARES

    runner_shares = {
        "fstests": "fstests",
        "blktests": "blktests",
        "kselftest": "selftests",
        "ltp": "ltp",
        "mmtests": "mmtests",
        "pynfs": "pynfs",
        "nfstest": "pynfs",
        "sysbench": "sysbench",
        "gitr": "gitr",
        "kunit": "kunit",
        "usertests": "usertests",
    }
    assert set(runner_shares) == set(SUITES)
    for name, suite in SUITES.items():
        share = RESULT_SHARES[runner_shares[name]]
        assert suite.results == share or suite.results.startswith(f"{share}/"), name


# The library README's table of what each unit runs


README_INSTANCES = {
    "<section>": "xfs",
    "<group>": "block",
    "<collection>": "net",
    "<runtest>": "syscalls",
    "<config>": "workload-stream",
    "<4.0|4.1>": "4.1",
    "<version>": "4.1",
    "<directory>": "/mnt/test",
    "<workload>": "cpu",
    "<test>": "posix",
    "<suite|all>": "all",
    "<harness|all>": "all",
}


def readme_units() -> dict[str, tuple[str, str, str]]:
    """unit -> (instance placeholder, command, directory), from the rows giving one command."""
    text = (LIBRARY / "testSuites" / "README.md").read_text()
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        if len(cells) != 3 or not cells[0].startswith("`") or "@" not in cells[0]:
            continue
        runs, where = cells[1], cells[2]
        if runs.count("`") == 2 and runs.startswith("`"):
            unit, placeholder = cells[0].strip("`").replace("\\|", "|").split("@")
            rows[unit] = (placeholder, runs.split("`")[1], where.split("`")[1])
    return rows


def test_the_readme_says_what_each_unit_runs_and_where(monkeypatch):
    for name in (
        "XFSTESTS_CHECK_ARGS",
        "HOST_OPTIONS",
        "MMTESTS_DIR",
        "BLKTESTS_TREE",
        "LTPROOT",
        "PYNFS_SERVER",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in ("KSELFTEST_TREE", "USERTESTS_TREE"):
        monkeypatch.delenv(name, raising=False)
    units = readme_units()
    unit_suites = {"xfstests": "fstests", "blktests": "blktests", "kselftest": "kselftest"}
    unit_suites |= {name: name for name in SUITES if name not in unit_suites.values()}
    assert set(units) == set(unit_suites)
    host = Host(root=Path("/"), release="<release>")
    for unit, suite_name in unit_suites.items():
        # A run directory as the runner makes them: <results>/<release>/<timestamp>.
        run_dir = Path(SUITES[suite_name].results, host.release, "<run name>")
        placeholder, runs, where = units[unit]
        instance = README_INSTANCES[placeholder]
        for name, value in README_INSTANCES.items():
            runs, where = runs.replace(name, value), where.replace(name, value)
        runs, where = runs.replace("<run>", str(run_dir)), where.replace("<run>", str(run_dir))
        runs = runs.replace("<run name>", run_dir.name)
        command = SUITES[suite_name].command(host, instance, run_dir, [])
        assert " ".join(command.argv) == runs, unit
        assert str(command.cwd) == where, unit
