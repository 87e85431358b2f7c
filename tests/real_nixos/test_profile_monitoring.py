"""The monitoring profile (vendor/nixos-flake/profiles/monitoring): a headless fastfetch,
the run-bracketed template units (nothing at boot), their options and the options refused."""

import json
import re
from pathlib import Path

import pytest

from tests.real_nixos.boot_units import started_at_boot
from tests.real_nixos.expected import MONITORS
from tests.real_nixos.guests import GUEST_SUMMARY
from tests.real_nixos.kernel_builds import requisites
from tests.real_nixos.test_library_template import template_flake
from tests.real_nixos.wrapped_tree import CommandFailed, nix

# What fastfetch can read desktops, GPUs, sound and images with, none of which a headless
# guest has: the builds a full fastfetch brings into the build graph.
DESKTOP_LIBRARIES = re.compile(
    r"-(gtk[34]|efl|imagemagick|chafa|vulkan-loader|wayland|libX11|libxcb|mesa|libglvnd|"
    r"ocl-icd|libpulseaudio|ddcutil|dconf|xfconf|zfs-user|rpm)-[0-9][^/]*\.drv$"
)

FASTFETCH = re.compile(r"-fastfetch-[0-9.]+\.drv$")


def test_monitoring_brings_a_fastfetch_without_desktop_libraries(guest):
    if "monitoring" not in guest.profiles:
        # Only monitoring's collector runs fastfetch; without it, no fastfetch at all.
        any_fastfetch = re.compile(r"-fastfetch(-[a-z]+)*-[0-9][^/]*\.drv$")
        assert not any(any_fastfetch.search(path) for path in requisites(guest.config["toplevel"]))
        return
    flake = Path(guest.result["config_dir"]).resolve()
    drv = nix(
        "eval",
        "--raw",
        f"path:{flake}#nixosConfigurations.imageless.pkgs.fastfetch-headless.drvPath",
    )
    assert FASTFETCH.search(drv), drv
    assert [path for path in requisites(drv) if DESKTOP_LIBRARIES.search(path)] == []


# The monitoring profile: run-bracketed template units, nothing at boot.


def assert_monitor_units(monitoring: dict, out: str) -> dict[str, list[str]]:
    """Each unit writes only its run's directory, made first; their ExecStart argv."""
    argv = {}
    for name, unit in monitoring["units"].items():
        service = unit["serviceConfig"]
        directory = MONITORS[name.removeprefix("monitor-").removesuffix("@")]
        # Writes confined: everything read-only but the run's directory,
        # which a fully privileged first command makes ("-": it may not
        # exist when that command starts).
        assert service["ProtectSystem"] == "strict", name
        assert service["ReadWritePaths"] == [f"-{out}"], name
        assert unit["WantsMountsFor"] == [out], name
        prepare = service["ExecStartPre"][0].split()
        assert prepare[0].startswith("+/nix/store/"), name
        assert prepare[1:] == [f"{out}/{directory}"], name
        assert "%i" in unit["description"], name
        argv[name] = service["ExecStart"].split()
    return argv


def libbpf_argv(argv: list[str], libbpf_tools: str, tool: str) -> tuple[list[str], list[str]]:
    """monitor-exec's own arguments and the tool's, checking the tool is the one configured."""
    assert argv[0].startswith("/nix/store/") and argv[0].endswith("-monitor-exec/bin/monitor-exec")
    separator = argv.index("--")
    assert argv[separator + 1] == f"{libbpf_tools}/bin/{tool}-libbpf"
    return argv[1:separator], argv[separator + 2 :]


def test_the_monitor_units_record_a_run_where_it_outlives_the_vm(guest):
    monitoring = guest.config["monitoring"]
    if "monitoring" not in guest.profiles:
        assert monitoring is None
        assert not [s for s in guest.config["services"] if s.startswith("monitor-")]
        return
    options = monitoring["options"]
    # The defaults the featured guest gets: every unit defined, on the share.
    out = "/var/lib/monitoring/runs/%i"
    assert options["outputDir"] == out
    assert guest.config["fileSystems"]["/var/lib/monitoring"]["device"] == "monitoring"
    assert set(monitoring["units"]) == {f"monitor-{name}@" for name in MONITORS}
    argv = assert_monitor_units(monitoring, out)
    sadc, *arguments = argv["monitor-sysstat@"]
    assert sadc.endswith("/lib/sa/sadc")
    assert arguments == ["-S", "ALL", "5", "999999", f"{out}/sysstat/sa-current"]
    sysstat = monitoring["units"]["monitor-sysstat@"]["serviceConfig"]
    assert sysstat["ExecStopPost"].split()[1:] == [f"{out}/sysstat"]
    governor = monitoring["units"]["monitor-cpu-governor@"]["serviceConfig"]
    assert governor["Type"] == "oneshot" and governor["RemainAfterExit"] is True
    assert governor["ExecStart"].split()[1:] == [f"{out}/cpu_governor", "start"]
    assert governor["ExecStop"].split()[1:] == [f"{out}/cpu_governor", "end"]
    tools = monitoring["libbpfTools"]
    own, args = libbpf_argv(argv["monitor-biolatency@"], tools, "biolatency")
    assert own == ["--append", f"{out}/biolatency/biolatency.txt"]
    assert args == ["--milliseconds", "--timestamp", "30"]
    own, args = libbpf_argv(argv["monitor-blkalgn@"], tools, "blkalgn")
    assert own == [] and args == ["--json", f"{out}/blkalgn/blkalgn.json"]
    for name in ("monitor-biolatency@", "monitor-blkalgn@"):
        # libbpf-tools stop and print their last interval on SIGINT only.
        assert monitoring["units"][name]["serviceConfig"]["KillSignal"] == "SIGINT"
    # Started by whoever runs the workload, never at boot; and no always-on
    # sysstat or node exporter unless a suite asks for one.
    booted = started_at_boot(guest.config["boot"])
    assert not [unit for unit in booted if unit.startswith("monitor-")]
    assert guest.config["enabledServices"]["sysstat"] is False
    assert guest.config["enabledServices"]["nodeExporter"] is False


MONITORING_OPTIONS = """{ nixos-flake, ... }:
{
  imports = [ nixos-flake.nixosModules.profiles.monitoring ];
  nixos-flake.monitoring = {
    enable = true;
    outputDir = "/mnt/results/%i/monitoring";
    sysstat = { interval = 1; maxSamples = 60; fromBoot = true; };
    cpuGovernor.enable = false;
    blkalgn = { disk = "nvme0n1"; ops = "Write"; };
    biolatency = {
      milliseconds = false;
      queued = true;
      perDisk = true;
      perFlag = true;
      disk = "vdb";
      interval = 5;
    };
    nodeExporter.enable = true;
  };
}"""


def test_the_monitoring_options_reach_the_units(real_nixpkgs, tmp_path):
    flake = template_flake(tmp_path / "vm", real_nixpkgs, MONITORING_OPTIONS)
    summary = f"({GUEST_SUMMARY.read_text(encoding='utf-8')}) [ ]"
    config = json.loads(
        nix("eval", "--json", f"{flake}#nixosConfigurations.imageless", "--apply", summary)
    )
    monitoring = config["monitoring"]
    out = "/mnt/results/%i/monitoring"
    assert set(monitoring["units"]) == {
        "monitor-sysstat@",
        "monitor-blkalgn@",
        "monitor-biolatency@",
    }
    argv = assert_monitor_units(monitoring, out)
    assert argv["monitor-sysstat@"][1:] == ["-S", "ALL", "1", "60", f"{out}/sysstat/sa-current"]
    tools = monitoring["libbpfTools"]
    own, args = libbpf_argv(argv["monitor-blkalgn@"], tools, "blkalgn")
    # monitor-exec refuses a disk the guest lacks before blkalgn starts.
    assert own == ["--disk", "nvme0n1"]
    assert args == ["--disk", "nvme0n1", "--ops", "Write", "--json", f"{out}/blkalgn/blkalgn.json"]
    own, args = libbpf_argv(argv["monitor-biolatency@"], tools, "biolatency")
    assert own == ["--disk", "vdb", "--append", f"{out}/biolatency/biolatency.txt"]
    assert args == ["--queued", "-D", "-F", "-d", "vdb", "--timestamp", "5"]
    # The always-on collectors, asked for.
    assert config["enabledServices"]["sysstat"] is True
    assert config["enabledServices"]["nodeExporter"] is True
    booted = started_at_boot(config["boot"])
    assert {"sysstat.service", "prometheus-node-exporter.service"} <= set(booted)


@pytest.mark.parametrize(
    "option",
    [
        'outputDir = "/mnt/my results/%i"',
        'outputDir = "runs/%i"',
        'outputDir = "/mnt/$HOME/%i"',
        'biolatency.disk = "vd b"',
        "sysstat.interval = 0",
    ],
)
def test_a_monitoring_option_the_units_cannot_take_is_refused(real_nixpkgs, tmp_path, option):
    module = f"""{{ nixos-flake, ... }}:
    {{
      imports = [ nixos-flake.nixosModules.profiles.monitoring ];
      nixos-flake.monitoring = {{ enable = true; {option}; }};
    }}"""
    flake = template_flake(tmp_path / "vm", real_nixpkgs, module)
    options = f"{flake}#nixosConfigurations.imageless.config.nixos-flake.monitoring"
    with pytest.raises(CommandFailed, match="is not of type"):
        nix("eval", "--json", options, "--apply", 'm: removeAttrs m [ "libbpfTools" ]')
