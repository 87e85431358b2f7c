# blktests: the block layer test suite, with every program its tests call,
# a config file in /etc, a normal user for the unprivileged tests, and the
# runner unit `blktests@<group>`.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.testSuites.blktests;
in
{
  imports = [
    ../../user
    ../common/runner.nix
  ];

  options.nixos-flake.testSuites.blktests = {
    config = lib.mkOption {
      type = lib.types.lines;
      default = "";
      example = ''
        TEST_DEVS=(/dev/vdb)
        EXCLUDE=(block/011)
      '';
      description = ''
        Contents of /etc/blktests/config, the bash file blktests' ./check
        sources (TEST_DEVS, EXCLUDE, QUICK_RUN, TIMEOUT, ...), after a
        first line setting NORMAL_USER to the guest's user (nvme/046 runs
        commands as it). Left empty, only tests that need no device run.
        The `blktests` wrapper and `blktests@<group>` pass it with `-c`.
      '';
    };
  };

  config = {
    environment.systemPackages = with pkgs; [
      blktests
      # README: required.
      bash
      coreutils
      gawk
      util-linux
      fio
      gcc
      gnumake
      getconf
      systemd
      # README: needed by some tests.
      e2fsprogs
      xfsprogs
      f2fs-tools
      btrfs-progs
      nvme-cli
      multipath-tools
      nbd
      lvm2
      python3
      ethtool
      iproute2
      # Modules (null_blk, scsi_debug, nvme-loop, ...) are loaded by the
      # tests themselves.
      kmod
      # NVMe user-space access beyond nvme-cli.
      xnvme
      # Programs whole groups or single tests require (_have_program):
      # md/ (mdadm), blktrace/ (blktrace, blkparse), loop/ and nbd/
      # (parted), zbd/011,013 (cryptsetup), nvme/066 (expect), throtl/ (bc),
      # block/011,019 (setpci), srp/ (sg_reset).
      mdadm
      blktrace
      parted
      cryptsetup
      expect
      bc
      pciutils
      sg3_utils
      # No test calls targetcli: it makes, by hand, the SCSI disk that
      # scsi/001, 002, 006 and 009 need in TEST_DEVS when QEMU gives the
      # guest none (a fileio backstore behind tcm_loop), on a kernel with
      # CONFIG_TARGET_CORE, CONFIG_TCM_FILEIO and CONFIG_LOOPBACK_TARGET.
      # It loads those modules and mounts configfs itself, and keeps its
      # saved configuration in /etc/target (made below), where it points
      # the kernel's LIO dbroot.
      targetcli-fb
      # check reads /proc/config.gz with zgrep.
      gzip
    ];

    # targetcli (above) stops unless its LIO database directory exists.
    systemd.tmpfiles.rules = [ "d /etc/target 0700 root root -" ];

    environment.etc."blktests/config".text = ''
      NORMAL_USER=${config.nixos-flake.user.name}
      ${cfg.config}
    '';

    nixos-flake.testSuites.runners.blktests = {
      suite = "blktests";
      description = "blktests group or test";
      # Tests are named group/NNN: `blktests@block` or, escaped,
      # `blktests@block-001`.
      instance = "%I";
      resultsDir = (import ../../contract.nix).testSuites.blktests.results;
      environment.BLKTESTS_TREE = "${pkgs.blktests}/lib/blktests";
    };
  };
}
