# MMTests: a writable copy of the tree, the tools run-mmtests.sh would
# otherwise try to install with zypper or apt, the FHS paths its scripts
# spell out, damo for DAMON-based memory monitoring, and the runner unit
# `mmtests@<config>`.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.testSuites.mmtests;
in
{
  imports = [
    ../common/fhs-paths.nix
    ../common/runner.nix
  ];

  options.nixos-flake.testSuites.mmtests = {
    directory = lib.mkOption {
      type = lib.types.str;
      default = "/var/lib/mmtests-tree";
      description = ''
        Where the MMTests tree is copied at boot (only if the directory does
        not exist yet). run-mmtests.sh writes work/ and reads configs
        relative to itself, so it has to run from a writable copy. The
        default is on the tmpfs root, so each boot copies the installed
        release afresh; `mmtests@<config>` copies each run's work/log into
        the results share.
      '';
    };
  };

  config = {
    environment.systemPackages = with pkgs; [
      mmtests
      damo
      # run-mmtests.sh: install-depends for getopt, gawk, numactl and the
      # "generally needed" list (autoconf automake bc binutils btrfsprogs
      # bzip2 coreutils cpupower e2fsprogs expect gcc hdparm hwloc libtool
      # make patch psmisc tcl time wget xfsprogs xz which netcat gzip
      # hostname iproute2), and dmidecode for bin/machine-desc.sh.
      util-linux
      gawk
      numactl
      autoconf
      automake
      bc
      binutils
      btrfs-progs
      bzip2
      coreutils
      # The overlay's (overlays/cpupower.nix), which a source override of
      # cpupower replaces everywhere.
      cpupower
      e2fsprogs
      expect
      gcc
      hdparm
      hwloc
      libtool
      gnumake
      gnupatch
      psmisc
      tcl
      time
      wget
      xfsprogs
      xz
      which
      netcat-openbsd
      gzip
      hostname-debian
      iproute2
      dmidecode
      # README: R for the statistical significance reports; monitors
      # use perf.
      R
      perf
    ];

    # Tell bin/install-depends everything is in place: there is no zypper
    # or apt to call on NixOS. sudo keeps it, for runs started with sudo.
    environment.variables.ASSUME_PACKAGE_INSTALLED = "yes";
    security.sudo.extraConfig = ''
      Defaults env_keep += "ASSUME_PACKAGE_INSTALLED"
    '';

    # Shellpacks that refresh.sh writes and makes executable keep their
    # #!/bin/bash (patchShebangs only saw them as 0644 files);
    # run-mmtests.sh calls /bin/kill and wraps every test in /usr/bin/time;
    # bin/ has #!/usr/bin/perl and #!/usr/bin/python3 scripts.
    nixos-flake.testSuites.fhsPaths = {
      "/bin/bash" = lib.getExe pkgs.bash;
      "/bin/kill" = "${pkgs.util-linux}/bin/kill";
      "/usr/bin/time" = lib.getExe pkgs.time;
      "/usr/bin/perl" = "${pkgs.mmtests.perl}/bin/perl";
      # Any python3 will do; fstests' (with dbus) wins when present.
      "/usr/bin/python3" = lib.mkDefault (lib.getExe pkgs.python3);
    };

    nixos-flake.testSuites.runners.mmtests = {
      suite = "mmtests";
      description = "MMTests config";
      resultsDir = (import ../../contract.nix).testSuites.mmtests.results;
      environment.MMTESTS_DIR = cfg.directory;
    };

    # "C" copies only when the target is missing, so a run's work/ survives
    # a reboot where /var/lib persists.
    systemd.tmpfiles.rules = [
      "C ${cfg.directory} - - - - ${pkgs.mmtests}/share/mmtests"
    ];
  };
}
