# Monitoring of test runs. Off until nixos-flake.monitoring.enable is set.
#
# The monitors are systemd template units, monitor-<name>@<run-id>.service,
# that whoever runs a workload starts before it and stops after it (nothing
# starts them at boot). Each writes under outputDir, in which %i is the
# run-id, so runs never mix. The unit names, option names and their
# meanings are upstream kdevops-ng's (modules/profiles/monitoring.nix);
# where defaults or behaviour differ, README.md says why.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.monitoring;
  inherit (lib) mkOption types;

  # The run's directory, %i left for systemd to fill in.
  out = cfg.outputDir;

  # Shared from the host by the flow (virtiofs tag "monitoring", nofail)
  # when the monitoring profile is selected (contract.nix).
  shareDir = (import ../../contract.nix).profiles.monitoring.results;

  # Runs first, with the "+" prefix (systemd.service(5)), so that
  # ProtectSystem=strict does not stop it: creates the monitor's directory
  # and warns in the journal when the run's output is on the tmpfs root,
  # where it is lost with the VM.
  prepare = pkgs.writeShellApplication {
    name = "monitor-prepare";
    runtimeInputs = [
      pkgs.coreutils
      pkgs.util-linux
    ];
    text = ''
      dir=$1
      mkdir -p "$dir"
      fstype=$(findmnt --noheadings --output FSTYPE --target "$dir" || true)
      echo "output in $dir ($fstype)"
      if [ "$fstype" = tmpfs ]; then
        echo "warning: $dir is on the tmpfs root: it is lost with the VM." \
          "Share ${shareDir} from the host (the flow's virtiofs tag monitoring)."
      fi
    '';
  };

  # monitor-exec [--disk NAME] [--append FILE] [--] PROGRAM ARGS...
  # Refuses, with a message naming what to change, a program the closure
  # does not have (blkalgn-libbpf is in no bcc release) and a disk the
  # guest does not have; then runs the program, its standard output
  # appended to FILE when given.
  monitorExec = pkgs.writeShellApplication {
    name = "monitor-exec";
    runtimeInputs = [ pkgs.coreutils ];
    text = ''
      disk="" append=""
      while [ $# -gt 0 ]; do
        case $1 in
          --disk) disk=$2; shift 2 ;;
          --append) append=$2; shift 2 ;;
          --) shift; break ;;
          *) break ;;
        esac
      done
      program=$1
      if [ ! -x "$program" ]; then
        name=''${program##*/}
        echo "$program does not exist: ${cfg.libbpfTools.name} has no ''${name%-libbpf}." >&2
        echo "Build libbpf-tools from a bcc tree that has it: the flow's closure.overrides" \
          '[{"pkg": "libbpf-tools", "src": "<bcc tree or git URL>", "ref": "<branch>"}],' \
          "or nixos-flake.monitoring.libbpfTools." >&2
        exit 1
      fi
      if [ -n "$disk" ] && [ ! -e "/sys/class/block/$disk" ]; then
        # shellcheck disable=SC2046 # the guest's disks as words, on one line
        echo "no disk $disk in this guest; it has:" $(ls /sys/class/block) >&2
        exit 1
      fi
      if [ -n "$append" ]; then
        exec "$@" >>"$append"
      fi
      exec "$@"
    '';
  };

  # One JSON object: {"phase", "timestamp", "governors": {"cpuN": "..."}}.
  # A guest without cpufreq (most VMs) records an empty "governors".
  governorSnapshot = pkgs.writeShellApplication {
    name = "monitor-cpu-governor-snapshot";
    runtimeInputs = [ pkgs.coreutils ];
    text = ''
      dir=$1 phase=$2
      {
        printf '{"phase": "%s", "timestamp": "%s", "governors": {' \
          "$phase" "$(date --iso-8601=seconds)"
        sep=
        for file in /sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor; do
          [ -r "$file" ] || continue
          cpu=''${file%/cpufreq/scaling_governor}
          printf '%s"%s": "%s"' "$sep" "''${cpu##*/}" "$(cat "$file")"
          sep=', '
        done
        printf '}}\n'
      } >"$dir/$phase.json"
      [ -n "$sep" ] || echo "no cpufreq in this guest: no governors to record"
    '';
  };

  # sadf -j reports only CPU unless told otherwise; "-- -A" asks sar for
  # every activity sadc recorded (-S ALL).
  sysstatJson = pkgs.writeShellApplication {
    name = "monitor-sysstat-json";
    runtimeInputs = [ pkgs.sysstat ];
    text = ''
      dir=$1
      [ -e "$dir/sa-current" ] || exit 0
      sadf -j "$dir/sa-current" -- -A >"$dir/sa-current.json"
    '';
  };

  # What every monitor's unit shares: the run's directory made first, the
  # share it lives on mounted first when there is one (WantsMountsFor=, not
  # RequiresMountsFor=: a host that does not serve the share leaves the
  # output on tmpfs, with the warning above, rather than no output), and
  # writes confined to that directory: ReadWritePaths= alone confines
  # nothing, ProtectSystem=strict makes everything else read-only
  # (systemd.exec(5)). The "-" prefix: systemd applies ReadWritePaths= to
  # "+" commands too (src/core/exec-invoke.c, apply_mount_namespace), and
  # a path that does not exist yet fails the command with 226/NAMESPACE
  # unless so prefixed; the run's directory does not exist until the
  # first command makes it.
  monitor =
    {
      name,
      description,
      documentation,
      serviceConfig,
    }:
    {
      description = "${description} for run %i";
      inherit documentation;
      unitConfig.WantsMountsFor = [ out ];
      serviceConfig = {
        ExecStartPre = [
          "+${lib.getExe prepare} ${out}/${name}"
        ]
        ++ serviceConfig.ExecStartPre or [ ];
        ProtectSystem = "strict";
        ReadWritePaths = [ "-${out}" ];
      }
      // removeAttrs serviceConfig [ "ExecStartPre" ];
    };

  # libbpf-tools install a SIGINT handler only (Ctrl-C; bcc's
  # libbpf-tools/biolatency.c: signal(SIGINT, sig_handler)), which ends
  # the main loop and prints the last interval; SIGTERM's default action
  # would kill them with their buffered output unwritten.
  libbpfMonitor =
    {
      name,
      description,
      execArgs,
      args,
    }:
    monitor {
      inherit name description;
      documentation = [ "https://github.com/iovisor/bcc/tree/master/libbpf-tools" ];
      serviceConfig = {
        Type = "simple";
        ExecStart = lib.concatStringsSep " " (
          [ (lib.getExe monitorExec) ]
          ++ execArgs
          ++ [
            "--"
            "${cfg.libbpfTools}/bin/${name}-libbpf"
          ]
          ++ args
        );
        KillSignal = "SIGINT";
      };
    };

  diskArgs =
    disk:
    lib.optionals (disk != "") [
      "--disk"
      disk
    ];

  blkalgnArgs =
    lib.optionals (cfg.blkalgn.disk != "") [
      "--disk"
      cfg.blkalgn.disk
    ]
    ++ lib.optionals (cfg.blkalgn.ops != "") [
      "--ops"
      cfg.blkalgn.ops
    ]
    ++ [
      "--json"
      "${out}/blkalgn/blkalgn.json"
    ];

  # Short flags: biolatency's argp gives the long name "disk" to both -D
  # (a histogram per disk) and -d DISK (one disk only). The interval is
  # biolatency's positional argument; without a count it prints until
  # stopped.
  biolatencyArgs =
    lib.optional cfg.biolatency.milliseconds "--milliseconds"
    ++ lib.optional cfg.biolatency.queued "--queued"
    ++ lib.optional cfg.biolatency.perDisk "-D"
    ++ lib.optional cfg.biolatency.perFlag "-F"
    ++ lib.optionals (cfg.biolatency.disk != "") [
      "-d"
      cfg.biolatency.disk
    ]
    ++ [
      "--timestamp"
      (toString cfg.biolatency.interval)
    ];

  diskName = types.strMatching "[A-Za-z0-9._:-]*" // {
    description = "a block device's name as in /sys/class/block (vda, nvme0n1), or empty";
  };

  unitOption =
    name: what:
    mkOption {
      type = types.bool;
      default = cfg.enable;
      defaultText = lib.literalExpression "config.nixos-flake.monitoring.enable";
      description = "Define the template unit `monitor-${name}@<run-id>.service`: ${what}";
    };
in
{
  options.nixos-flake.monitoring = {
    enable = lib.mkEnableOption ''
      the monitors of test runs: the template units
      `monitor-{sysstat,cpu-governor,blkalgn,biolatency}@<run-id>`, started
      and stopped around a workload, plus sysstat, fastfetch, iotop, htop,
      procps and numactl'';

    outputDir = mkOption {
      type = types.strMatching "/[^[:space:]\"'\\\\;$]*" // {
        description = "an absolute path without white space, quotes, backslashes, ';' or '$'";
      };
      default = "${shareDir}/runs/%i";
      example = "/var/lib/xfstests/monitoring/%i";
      description = ''
        Where a run's monitors write, each in a directory of its own
        (`sysstat`, `cpu_governor`, `blkalgn`, `biolatency`). systemd
        replaces `%i` with the unit's instance, the run-id. It goes into
        the units' command lines and `ReadWritePaths=` unquoted, hence the
        characters it refuses. The default is under `/var/lib/monitoring`,
        which the flow shares from the host (virtiofs tag `monitoring`,
        `nofail`) when the monitoring profile is selected, so that a run's
        output outlives the VM; a unit whose output is on the tmpfs root
        says so in the journal.
      '';
    };

    libbpfTools = mkOption {
      type = types.package;
      default = pkgs.libbpf-tools;
      defaultText = lib.literalExpression "pkgs.libbpf-tools";
      description = ''
        The libbpf-tools whose `blkalgn-libbpf` and `biolatency-libbpf`
        the units run (the library's overlay builds bcc's release and
        links `<tool>-libbpf`). No bcc release has blkalgn yet: set this,
        or override libbpf-tools' source, to a bcc tree that has it.
      '';
    };

    sysstat = {
      enable = unitOption "sysstat" ''
        sadc(8) records every activity (`-S ALL`) into
        `<outputDir>/sysstat/sa-current` until stopped; stopping converts
        the recording to `sa-current.json` (`sadf -j -- -A`). Each start
        of a run-id begins a new recording.
      '';
      interval = mkOption {
        type = types.ints.positive;
        default = 5;
        description = "Seconds between two sadc samples.";
      };
      maxSamples = mkOption {
        type = types.ints.positive;
        default = 999999;
        description = ''
          Samples after which sadc stops by itself (its count argument):
          large, so that the run's end, not sadc, stops the recording.
        '';
      };
      fromBoot = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Also run NixOS's always-on sysstat (`services.sysstat`): a
          sample every 10 minutes from boot into `/var/log/sa`, which is on
          the tmpfs root. Three more units at boot (`sysstat.service`,
          `sysstat-collect.timer`, `sysstat-summary.timer`).
        '';
      };
    };

    cpuGovernor.enable = unitOption "cpu-governor" ''
      a oneshot that records every CPU's cpufreq scaling governor when
      started (`<outputDir>/cpu_governor/start.json`) and when stopped
      (`end.json`), to show the run's conditions and a governor changed
      during it.
    '';

    blkalgn = {
      enable = unitOption "blkalgn" ''
        `blkalgn-libbpf` traces block I/O requests and records their
        sizes and alignment into `<outputDir>/blkalgn/blkalgn.json`. No
        bcc release has blkalgn yet: with the default libbpf-tools the
        unit fails at start, saying what to override (see
        `libbpfTools`).
      '';
      disk = mkOption {
        type = diskName;
        default = "";
        example = "nvme0n1";
        description = ''
          The one disk to trace (`blkalgn --disk`); empty traces every
          disk. The unit fails at start, listing the guest's disks, when
          there is no such disk.
        '';
      };
      ops = mkOption {
        type = types.str;
        default = "";
        example = "Write";
        description = ''
          The one operation to trace (`blkalgn --ops`), spelled as blkalgn
          spells it: Read, Write, Flush, Discard, SecureErase, WriteSame,
          WriteZeroes, ZoneReset, ZoneResetAll, ZoneOpen, ZoneClose,
          ZoneFinish, SCSIIn, SCSIOut, DrvIn, DrvOut. Empty traces all;
          `Write` is the one for write amplification.
        '';
      };
    };

    biolatency = {
      enable = unitOption "biolatency" ''
        `biolatency-libbpf` appends a log2 histogram of block I/O latency
        to `<outputDir>/biolatency/biolatency.txt` every `interval`
        seconds, and the last one when stopped. Needs a kernel with BPF
        and BTF (`CONFIG_BPF_EVENTS`, `CONFIG_DEBUG_INFO_BTF`).
      '';
      milliseconds = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Buckets in milliseconds instead of microseconds
          (`--milliseconds`): fewer buckets for I/O of 10 µs to 100 ms.
        '';
      };
      queued = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Count the time a request waits in the OS queue too (`--queued`);
          off: from issue to completion, what the device takes.
        '';
      };
      perDisk = mkOption {
        type = types.bool;
        default = false;
        description = "A histogram per disk (`-D`).";
      };
      perFlag = mkOption {
        type = types.bool;
        default = false;
        description = "A histogram per set of request flags, read, write, sync, ... (`-F`).";
      };
      disk = mkOption {
        type = diskName;
        default = "";
        example = "vdb";
        description = ''
          The one disk to trace (`-d`); empty traces every disk. The unit
          fails at start, listing the guest's disks, when there is no such
          disk.
        '';
      };
      interval = mkOption {
        type = types.ints.positive;
        default = 30;
        description = "Seconds between two histograms.";
      };
    };

    nodeExporter.enable = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Run the Prometheus node exporter from boot, on port 9100 (its
        firewall port declared, `mkDefault`). One more unit at boot; only
        a host that forwards the port reaches it (kdevops-ng's user-mode
        network forwards SSH only).
      '';
    };
  };

  config = lib.mkIf cfg.enable {
    services.sysstat.enable = lib.mkIf cfg.sysstat.fromBoot true;

    services.prometheus.exporters.node = lib.mkIf cfg.nodeExporter.enable {
      enable = true;
      openFirewall = lib.mkDefault true;
    };

    environment.systemPackages = with pkgs; [
      sysstat
      # kdevops' host information collector (fastfetch --format json),
      # without the desktop libraries (../../overlays/fastfetch-headless.nix).
      fastfetch-headless
      iotop
      htop
      procps
      numactl
    ];

    systemd.services."monitor-sysstat@" = lib.mkIf cfg.sysstat.enable (monitor {
      name = "sysstat";
      description = "sysstat recording (sadc)";
      documentation = [
        "man:sadc(8)"
        "man:sadf(1)"
      ];
      serviceConfig = {
        Type = "simple";
        ExecStartPre = [
          "${pkgs.coreutils}/bin/rm -f ${out}/sysstat/sa-current ${out}/sysstat/sa-current.json"
        ];
        ExecStart = "${pkgs.sysstat}/lib/sa/sadc -S ALL ${toString cfg.sysstat.interval} ${toString cfg.sysstat.maxSamples} ${out}/sysstat/sa-current";
        ExecStopPost = "${lib.getExe sysstatJson} ${out}/sysstat";
        # sadc writes each sample as it takes it; SIGTERM loses at most the
        # interval under way.
        KillSignal = "SIGTERM";
      };
    });

    systemd.services."monitor-cpu-governor@" = lib.mkIf cfg.cpuGovernor.enable (monitor {
      name = "cpu_governor";
      description = "CPU governor snapshots";
      documentation = [ "https://docs.kernel.org/admin-guide/pm/cpufreq.html" ];
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = "${lib.getExe governorSnapshot} ${out}/cpu_governor start";
        ExecStop = "${lib.getExe governorSnapshot} ${out}/cpu_governor end";
      };
    });

    systemd.services."monitor-blkalgn@" = lib.mkIf cfg.blkalgn.enable (libbpfMonitor {
      name = "blkalgn";
      description = "block I/O alignment recording (blkalgn)";
      execArgs = diskArgs cfg.blkalgn.disk;
      args = blkalgnArgs;
    });

    systemd.services."monitor-biolatency@" = lib.mkIf cfg.biolatency.enable (libbpfMonitor {
      name = "biolatency";
      description = "block I/O latency histograms (biolatency)";
      execArgs = diskArgs cfg.biolatency.disk ++ [
        "--append"
        "${out}/biolatency/biolatency.txt"
      ];
      args = biolatencyArgs;
    });
  };
}
