"""fstests (xfstests): `xfstests@<section>` runs ./check -s <section>.

It keeps the contract upstream kdevops-ng's `f/fstests` flows drive the
guest by (the header of their `f/fstests/common.py`):

- the tree is at /usr/lib/xfstests (their `discover` tests for
  /usr/lib/xfstests/check);
- /var/lib/xfstests is the host's `fstests` share, which may hold
  `local.config` (the sections) and `check.env`, the unit's
  EnvironmentFile: HOST_OPTIONS (the config, as a guest path) and
  XFSTESTS_CHECK_ARGS (./check's arguments);
- a run is `xfstests-check -s <section> ...` (nixpkgs' wrapper: it links
  the tree into a temporary directory and sets RESULT_BASE=$PWD/results)
  from /var/lib/xfstests/<kernel release>, so fstests files its own
  results, the xunit report among them, in
  /var/lib/xfstests/<kernel release>/results/<section>/.

The config is HOST_OPTIONS when set, else the share's local.config, else
/etc/xfstests/local.config (nixos-flake.testSuites.fstests.localConfig).
The section comes from its [section] headers, as fstests reads them: a
section's settings carry into the later ones. Before the run the runner
creates TEST_DIR and SCRATCH_MNT (the root is tmpfs: nothing survives a
boot) and makes a blank TEST_DEV the section's FSTYP with mkfs; a TEST_DEV
holding another file system is left alone and named. After it, the run's
own directory gets a copy of the xunit report the run wrote, and each
test's status is read from that report.
"""

import itertools
import os
import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from suite_runner import shell, tools
from suite_runner.host import Host
from suite_runner.suite import Command, Suite

SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
# File systems whose TEST_DEV is not a local block device.
NETWORK = {"nfs", "cifs", "9p", "virtiofs", "ceph", "glusterfs", "tmpfs", "overlay", "fuse"}
# Where the tree is, the share and the config the fstests module writes.
TREE = "/usr/lib/xfstests"
SHARE = "/var/lib/xfstests"
MODULE_CONFIG = "/etc/xfstests/local.config"
# nixpkgs' xfstests wrapper, which runs ./check from a temporary tree.
WRAPPER = "xfstests-check"
DEFAULT_ARGS = "-g auto"
REPORT = "xunit"
# common/report prints this after each section report it writes.
REPORT_WRITTEN = re.compile(r"^Xunit report: (\S+)\s*$", re.MULTILINE)


def sections(text: str) -> tuple[str, dict[str, str]]:
    """The lines before the first [section], and each section's own lines."""
    common, found, current = [], {}, None
    for line in text.splitlines():
        header = SECTION.match(line)
        if header:
            current = header[1].strip()
            found.setdefault(current, "")
        elif current is None:
            common.append(line)
        else:
            found[current] += line + "\n"
    return "\n".join(common) + "\n", found


def reports_asked(arguments: list[str]) -> set[str]:
    """The report formats ./check's -R options ask for (-R xunit,xunit-quiet)."""
    asked = set()
    for option, value in itertools.pairwise(arguments):
        if option == "-R":
            asked.update(value.split(","))
    return asked


def xunit_statuses(report: Path) -> dict[str, str]:
    """Each test's status from an xunit report: failed in any pass, skipped in all, or passed.

    A test has one <testcase> per pass (check -i/-I); <failure> marks a
    failure, <skipped> a test that was not run (fstests' "notrun").
    """
    passes: dict[str, list[str]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        children = {child.tag for child in case}
        if children & {"failure", "error"}:
            status = "failed"
        elif "skipped" in children:
            status = "skipped"
        else:
            status = "passed"
        passes.setdefault(case.get("name") or "?", []).append(status)
    statuses = {}
    for name, seen in passes.items():
        if "failed" in seen:
            statuses[name] = "failed"
        elif all(status == "skipped" for status in seen):
            statuses[name] = "skipped"
        else:
            statuses[name] = "passed"
    return statuses


def written_report(output: str) -> Path | None:
    """The last xunit report check says it wrote (a path under the host's root: $PWD's)."""
    written = REPORT_WRITTEN.findall(output)
    return Path(written[-1]) if written else None


def check_output_statuses(output: str) -> dict[str, str]:
    """From check's closing lines (Ran:, Not run:, Failures:), when there is no report."""
    listed: dict[str, list[str]] = {"Ran": [], "Not run": [], "Failures": []}
    for line in output.splitlines():
        for key, names in listed.items():
            if line.startswith(f"{key}:"):
                names.extend(line.split(":", 1)[1].split())
    tests = dict.fromkeys(listed["Ran"], "passed")
    tests.update(dict.fromkeys(listed["Not run"], "skipped"))
    tests.update(dict.fromkeys(listed["Failures"], "failed"))
    return tests


class Fstests(Suite):
    name = "fstests"
    results = SHARE

    @property
    def tree(self) -> str:
        return os.environ.get("FSTESTS_DIR", TREE)

    def config_path(self, host: Host) -> Path:
        """HOST_OPTIONS (check.env's, a guest path), the share's local.config, or the module's."""
        given = os.environ.get("HOST_OPTIONS")
        if given:
            return host.path(given)
        on_share = host.path(SHARE) / "local.config"
        return on_share if on_share.is_file() else host.path(MODULE_CONFIG)

    def variables(self, host: Host, instance: str) -> dict[str, str] | None:
        """The section's settings: as fstests reads them, earlier sections carry over."""
        common, found = sections(self.config_path(host).read_text())
        if instance not in found:
            return None
        names = list(found)
        carried = "".join(found[name] for name in names[: names.index(instance) + 1])
        return shell.assignments(common + carried)

    def check(self, host: Host, instance: str) -> list[str]:
        config = host.guest_path(self.config_path(host))
        if not host.path(self.tree).joinpath("check").exists():
            return [f"{self.tree}/check: no fstests tree (the fstests suite module links it)"]
        if tools.missing_programs([WRAPPER]):
            return [f"{WRAPPER} is not installed (nixpkgs' xfstests package has it)"]
        if not self.config_path(host).is_file():
            return [
                f"{config}: no fstests config; write {SHARE}/local.config with a "
                f"[{instance}] section, set HOST_OPTIONS in {SHARE}/check.env, or set "
                "nixos-flake.testSuites.fstests.localConfig"
            ]
        variables = self.variables(host, instance)
        if variables is None:
            listed = ", ".join(sections(self.config_path(host).read_text())[1]) or "none"
            return [f"{config} has no [{instance}] section (sections: {listed})"]
        problems = []
        fs_type = variables.get("FSTYP", "xfs")
        for name in ("TEST_DEV", "TEST_DIR"):
            if not variables.get(name):
                problems.append(f"{name} is not set in section [{instance}] of {config}")
        device = variables.get("TEST_DEV", "")
        if device and fs_type in ("nfs", "cifs"):
            if fs_type == "nfs" and ":" not in device:
                problems.append(f"TEST_DEV={device} is not an NFS export (server:/path)")
        elif device and fs_type not in NETWORK:
            for name in ("TEST_DEV", "SCRATCH_DEV"):
                value = variables.get(name)
                if value and not tools.is_block_device(host.path(value)):
                    problems.append(f"{name}={value} is not a block device: attach a disk")
            held = tools.file_system_on(device) if not problems else None
            if held and held != fs_type:
                problems.append(
                    f"TEST_DEV={device} holds {held}, section [{instance}] tests {fs_type}: "
                    f"make it one with mkfs.{fs_type} {device} (this erases it)"
                )
        if not tools.missing_programs([f"mkfs.{fs_type}"]) or fs_type in NETWORK:
            return problems
        return [*problems, f"mkfs.{fs_type} is not installed: FSTYP={fs_type} cannot be tested"]

    def prepare(self, host: Host, instance: str) -> list[str]:
        """Create the mount points and format a blank TEST_DEV; what was done, in words."""
        variables = self.variables(host, instance) or {}
        done = []
        for name in ("TEST_DIR", "SCRATCH_MNT"):
            value = variables.get(name)
            if value and not host.path(value).is_dir():
                host.path(value).mkdir(parents=True, exist_ok=True)
                done.append(f"created {name}={value}")
        fs_type, device = variables.get("FSTYP", "xfs"), variables.get("TEST_DEV", "")
        if fs_type not in NETWORK and device and tools.file_system_on(device) is None:
            tools.make_file_system(fs_type, device)
            done.append(f"formatted the blank TEST_DEV={device} with mkfs.{fs_type}")
        return done

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        """The wrapper from <results>/<release>, so results/<section>/ lands beside the runs."""
        arguments = extra or shlex.split(os.environ.get("XFSTESTS_CHECK_ARGS") or DEFAULT_ARGS)
        if REPORT not in reports_asked(arguments):
            arguments = ["-R", REPORT, *arguments]
        return Command(
            argv=[WRAPPER, "-s", instance, *arguments],
            cwd=run_dir.parent,
            env={"HOST_OPTIONS": str(self.config_path(host))},
        )

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        """From the xunit report this run said it wrote (a copy stays in run_dir), or its output."""
        report = written_report(output)
        if report is None or not report.is_file():
            return check_output_statuses(output)
        shutil.copyfile(report, run_dir / report.name)
        try:
            return xunit_statuses(report)
        except ET.ParseError:
            return check_output_statuses(output)
