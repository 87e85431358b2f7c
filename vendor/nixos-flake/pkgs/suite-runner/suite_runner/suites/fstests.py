"""fstests (xfstests): `xfstests@<section>` runs ./check -s <section>.

The section comes from /var/lib/xfstests/local.config ([section] headers,
as fstests reads them: a section's settings carry into the later ones).
Before the run the runner creates TEST_DIR and SCRATCH_MNT (the root is
tmpfs: nothing survives a boot) and makes a blank
TEST_DEV the section's FSTYP with mkfs; a TEST_DEV holding another file
system is left alone and named. RESULT_BASE puts fstests' own results
(check.log, result.xml, *.out.bad, *.full) in the run's directory.
"""

import os
import re
import shlex
from pathlib import Path

from suite_runner import shell, tools
from suite_runner.host import Host
from suite_runner.suite import Command, Suite

SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
# File systems whose TEST_DEV is not a local block device.
NETWORK = {"nfs", "cifs", "9p", "virtiofs", "ceph", "glusterfs", "tmpfs", "overlay", "fuse"}


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


class Fstests(Suite):
    name = "fstests"
    results = "/var/lib/xfstests"

    @property
    def tree(self) -> str:
        return os.environ.get("FSTESTS_DIR", "/var/lib/xfstests")

    def config_path(self, host: Host) -> Path:
        given = os.environ.get("HOST_OPTIONS")
        return Path(given) if given else host.path(self.tree) / "local.config"

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
            return [f"{self.tree}/check: the fstests tree is not linked (fstests-workdir.service)"]
        if not self.config_path(host).is_file():
            return [
                f"{config}: no local.config; set nixos-flake.testSuites.fstests.localConfig "
                f"or write one with a [{instance}] section"
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
        arguments = extra or shlex.split(os.environ.get("FSTESTS_CHECK_ARGS", "-g auto"))
        return Command(
            argv=["./check", "-s", instance, "-R", "xunit", *arguments],
            cwd=host.path(self.tree),
            env={"RESULT_BASE": str(run_dir), "HOST_OPTIONS": str(self.config_path(host))},
        )

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        """From check's closing lines: Ran:, Not run:, Failures:."""
        listed: dict[str, list[str]] = {"Ran": [], "Not run": [], "Failures": []}
        for line in output.splitlines():
            for key, names in listed.items():
                if line.startswith(f"{key}:"):
                    names.extend(line.split(":", 1)[1].split())
        tests = dict.fromkeys(listed["Ran"], "passed")
        tests.update(dict.fromkeys(listed["Not run"], "skipped"))
        tests.update(dict.fromkeys(listed["Failures"], "failed"))
        return tests
