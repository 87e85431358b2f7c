# MMTests: a writable copy of the tree in /var/lib/mmtests, the tools
# run-mmtests.sh would otherwise try to install with zypper or apt, and
# damo for DAMON-based memory monitoring.
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
  options.nixos-flake.testSuites.mmtests = {
    directory = lib.mkOption {
      type = lib.types.str;
      default = "/var/lib/mmtests";
      description = ''
        Where the MMTests tree is copied at boot (only if the directory does
        not exist yet). run-mmtests.sh writes work/ and reads configs
        relative to itself, so it has to run from a writable copy.
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
      linuxPackages.cpupower
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
    # or apt to call on NixOS.
    environment.variables.ASSUME_PACKAGE_INSTALLED = "yes";

    # "C" copies only when the target is missing, so a run's work/ survives
    # a reboot where /var/lib persists.
    systemd.tmpfiles.rules = [
      "C ${cfg.directory} - - - - ${pkgs.mmtests}/share/mmtests"
    ];
  };
}
