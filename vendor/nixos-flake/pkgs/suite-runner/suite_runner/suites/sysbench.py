"""sysbench: `sysbench@<workload>` runs one workload and keeps its report.

cpu, memory, threads and mutex run as they are. fileio prepares, runs
(--file-test-mode=rndrw unless given) and cleans up its files in
$SYSBENCH_DIR, which must be on the file system under test: on tmpfs it
would measure RAM, on a virtiofs share the host. oltp_* workloads run
against the guest's MariaDB (database sbtest, over its socket). A
workload passes when sysbench exits 0; the figures are in output.log.
`<oltp workload>-pgsql` runs it against PostgreSQL instead (role and
database sbtest, over its socket).
"""

import os
import shutil
from pathlib import Path

from suite_runner import tools
from suite_runner.host import Host
from suite_runner.suite import Command, Suite

PLAIN = ("cpu", "memory", "threads", "mutex")
OLTP = (
    "oltp_read_write",
    "oltp_read_only",
    "oltp_write_only",
    "oltp_point_select",
    "oltp_insert",
    "oltp_update_index",
    "oltp_update_non_index",
    "oltp_delete",
)
SOCKET = "/run/mysqld/mysqld.sock"
PGSQL_SOCKET_DIR = "/run/postgresql"
PGSQL = "-pgsql"


class Sysbench(Suite):
    name = "sysbench"
    results = "/var/lib/sysbench"

    @property
    def directory(self) -> str:
        return os.environ.get("SYSBENCH_DIR", "")

    def check(self, host: Host, instance: str) -> list[str]:
        workload = instance.removesuffix(PGSQL)
        if workload not in (*PLAIN, "fileio", *OLTP) or (
            instance.endswith(PGSQL) and workload not in OLTP
        ):
            known = ", ".join((*PLAIN, "fileio", *OLTP))
            return [f"unknown workload {instance!r}; one of {known} (oltp_* also as <name>{PGSQL})"]
        if shutil.which("sysbench") is None:
            return ["sysbench is not installed"]
        if instance == "fileio":
            if not self.directory:
                return [
                    "SYSBENCH_DIR is not set: set nixos-flake.testSuites.sysbench.directory "
                    "to a directory on the file system under test"
                ]
            directory = host.path(self.directory)
            if not directory.is_dir():
                return [f"SYSBENCH_DIR={self.directory} does not exist: mount the disk under test"]
            mount = tools.not_a_disk(host, directory)
            if mount:
                return [
                    f"SYSBENCH_DIR={self.directory} is on {mount[1]} ({mount[0]}): fileio would "
                    "not measure a disk; mount the file system under test there"
                ]
        if instance in OLTP and not host.path(SOCKET).exists():
            return [f"{SOCKET} does not exist: MariaDB is not running (mysql.service)"]
        if (
            workload != instance
            and not host.path(PGSQL_SOCKET_DIR).joinpath(".s.PGSQL.5432").exists()
        ):
            return [f"{PGSQL_SOCKET_DIR}/.s.PGSQL.5432 does not exist: PostgreSQL is not running"]
        return []

    def command(self, host: Host, instance: str, run_dir: Path, extra: list[str]) -> Command:
        workload = instance.removesuffix(PGSQL)
        if workload in PLAIN:
            return Command(argv=["sysbench", workload, *extra, "run"], cwd=run_dir)
        if workload == "fileio":
            options = extra or ["--file-total-size=2G", "--file-test-mode=rndrw"]
        elif workload != instance:
            pgsql = ["--db-driver=pgsql", f"--pgsql-host={PGSQL_SOCKET_DIR}", "--pgsql-user=sbtest"]
            options = [*pgsql, "--pgsql-db=sbtest", *extra]
        else:
            mysql = ["--db-driver=mysql", f"--mysql-socket={SOCKET}", "--mysql-user=root"]
            options = [*mysql, "--mysql-db=sbtest", *extra]
        steps = " && ".join(f'sysbench {workload} "$@" {step}' for step in ("prepare", "run"))
        script = f'{steps}; status=$?; sysbench {workload} "$@" cleanup; exit $status'
        cwd = host.path(self.directory) if workload == "fileio" else run_dir
        return Command(argv=["bash", "-c", script, "sysbench", *options], cwd=cwd)

    def collect(self, host: Host, instance: str, run_dir: Path, output: str) -> dict[str, str]:
        finished = "General statistics:" in output
        return {instance: "passed" if finished else "failed"}
