"""The monitoring profile's four programs (profiles/monitoring: monitor-prepare, monitor-exec,
monitor-cpu-governor-snapshot, monitor-sysstat-json), as NixOS 26.05 writes them.

Each is a writeShellApplication, which runs ShellCheck on it when the package is built;
nothing is built here, so the script text is read from its derivation and run by this
machine's bash, against directories of the test's own. Its PATH line names store paths that
are not built, and PATH is kept after them: the commands come from this machine."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.real_nixos.wrapped_tree import nix
from tests.support import LIBRARY

# Each unit command that runs a program, and that program's runtime inputs (by name).
PROGRAMS = """
let
  nixpkgs = builtins.getFlake "{nixpkgs}";
  library = {library};
  system = nixpkgs.lib.nixosSystem {{
    modules = [
      {{ nixpkgs.hostPlatform = "x86_64-linux"; }}
      (library + "/backends/imageless")
      (library + "/user")
      (library + "/profiles/monitoring")
      {{
        nixpkgs.overlays = [ (import (library + "/overlays")) ];
        nixos-flake.monitoring.enable = true;
      }}
    ];
  }};
  units = system.config.systemd.services;
  program = command: {{
    inherit command;
    derivations = builtins.attrNames (builtins.getContext command);
  }};
in
{{
  prepare = program (builtins.head units."monitor-sysstat@".serviceConfig.ExecStartPre);
  exec = program units."monitor-blkalgn@".serviceConfig.ExecStart;
  governor = program units."monitor-cpu-governor@".serviceConfig.ExecStart;
  sysstat = program units."monitor-sysstat@".serviceConfig.ExecStopPost;
  libbpfTools = system.config.nixos-flake.monitoring.libbpfTools.name;
}}
"""

# A package's name in its store path: /nix/store/<hash>-util-linux-2.42.2-bin/bin.
STORE_NAME = re.compile(r"/nix/store/[0-9a-z]{32}-(.+?)-[0-9]")

NAMES = {
    "prepare": "monitor-prepare",
    "exec": "monitor-exec",
    "governor": "monitor-cpu-governor-snapshot",
    "sysstat": "monitor-sysstat-json",
}

# What each program finds first on its PATH (writeShellApplication's runtimeInputs).
RUNTIME_INPUTS = {
    "monitor-prepare": ["coreutils", "util-linux"],
    "monitor-exec": ["coreutils"],
    "monitor-cpu-governor-snapshot": ["coreutils"],
    "monitor-sysstat-json": ["sysstat"],
}


@pytest.fixture(scope="module")
def programs(real_nixpkgs, table, tmp_path_factory) -> dict:
    """Each program's unit command, script text (in a file) and derivation environment."""
    with table.row("monitoring programs"):
        evaluated = json.loads(
            nix(
                "eval",
                "--json",
                "--impure",
                "--expr",
                PROGRAMS.format(nixpkgs=real_nixpkgs, library=LIBRARY),
            )
        )
        wanted = {
            key: next(d for d in evaluated[key]["derivations"] if d.endswith(f"-{name}.drv"))
            for key, name in NAMES.items()
        }
        shown = json.loads(nix("derivation", "show", *wanted.values()))
    # Nix 2.34 puts them under "derivations", keyed without the store directory.
    shown = shown.get("derivations", shown)
    environments = {value["env"]["name"]: value["env"] for value in shown.values()}
    directory = tmp_path_factory.mktemp("monitoring-programs")
    found = {"libbpfTools": evaluated["libbpfTools"]}
    for key, name in NAMES.items():
        script = directory / name
        script.write_text(environments[name]["text"], encoding="utf-8")
        found[key] = {
            "command": evaluated[key]["command"],
            "script": script,
            "env": environments[name],
        }
    return found


def run(script: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(script), *args], capture_output=True, text=True)


@pytest.mark.parametrize("key", sorted(NAMES))
def test_each_program_is_a_shell_application(programs, key):
    name = NAMES[key]
    program = programs[key]
    argv0 = program["command"].removeprefix("+").split()[0]
    assert argv0.startswith("/nix/store/") and argv0.endswith(f"-{name}/bin/{name}")
    lines = program["script"].read_text().splitlines()
    assert lines[1:4] == ["set -o errexit", "set -o nounset", "set -o pipefail"]
    path = next(line for line in lines if line.startswith("export PATH="))
    entries = path.removeprefix('export PATH="').removesuffix('"').split(":")
    assert entries[-1] == "$PATH"
    assert [STORE_NAME.match(entry).group(1) for entry in entries[:-1]] == RUNTIME_INPUTS[name]
    # Checked when built: bash -n, and ShellCheck where the tree has it.
    assert "/bin/bash -n " in program["env"]["checkPhase"]


def test_prepare_makes_the_directory_and_says_where_it_is(programs, tmp_path):
    target = tmp_path / "runs" / "1" / "sysstat"
    done = run(programs["prepare"]["script"], str(target))
    assert done.returncode == 0, done.stderr
    assert target.is_dir()
    assert done.stdout.startswith(f"output in {target} (")


def test_exec_refuses_a_program_the_closure_lacks(programs):
    tools = programs["libbpfTools"]
    done = run(programs["exec"]["script"], "--", "/nonexistent/bin/blkalgn-libbpf", "--json")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0] == f"/nonexistent/bin/blkalgn-libbpf does not exist: {tools} has no blkalgn."
    override = '[{"pkg": "libbpf-tools", "src": "<bcc tree or git URL>", "ref": "<branch>"}],'
    assert lines[1].startswith("Build libbpf-tools from a bcc tree that has it:")
    assert override in lines[1]


def test_exec_refuses_a_disk_the_guest_lacks_naming_those_it_has(programs):
    done = run(programs["exec"]["script"], "--disk", "no-such-disk", "--", "/bin/true")
    assert done.returncode == 1
    prefix = "no disk no-such-disk in this guest; it has:"
    assert done.stderr.startswith(prefix) and done.stderr.count("\n") == 1
    disks = sorted(p.name for p in Path("/sys/class/block").iterdir())
    assert sorted(done.stderr.removeprefix(prefix).split()) == disks


def test_exec_runs_the_program_appending_its_output(programs, tmp_path):
    log = tmp_path / "biolatency.txt"
    for word in ("first", "second"):
        done = run(programs["exec"]["script"], "--append", str(log), "--", "/bin/echo", word)
        assert done.returncode == 0, done.stderr
    assert log.read_text() == "first\nsecond\n"
    done = run(programs["exec"]["script"], "--", "/bin/echo", "to stdout")
    assert (done.returncode, done.stdout) == (0, "to stdout\n")


def test_governor_snapshot_records_every_governor_as_json(programs, tmp_path):
    done = run(programs["governor"]["script"], str(tmp_path), "start")
    assert done.returncode == 0, done.stderr
    snapshot = json.loads((tmp_path / "start.json").read_text())
    assert snapshot["phase"] == "start" and snapshot["timestamp"]
    governors = {
        file.parent.parent.name: file.read_text().strip()
        for file in Path("/sys/devices/system/cpu").glob("cpu[0-9]*/cpufreq/scaling_governor")
    }
    assert snapshot["governors"] == governors
    if not governors:
        assert done.stdout == "no cpufreq in this guest: no governors to record\n"


def test_sysstat_json_does_nothing_without_a_recording(programs, tmp_path):
    done = run(programs["sysstat"]["script"], str(tmp_path))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert list(tmp_path.iterdir()) == []
