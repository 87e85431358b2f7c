# blktests: the block layer test suite, with everything its README lists,
# a config file in /etc and a results directory outside the store.
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
        sources (TEST_DEVS, EXCLUDE, QUICK_RUN, TIMEOUT, ...). Left empty,
        only tests that need no device run. The `blktests` wrapper passes
        it with `-c` when the file exists.
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
    ];

    environment.etc."blktests/config".text = cfg.config;

    systemd.tmpfiles.rules = [
      "d /var/lib/blktests 0755 root root -"
      "d /var/lib/blktests/results 0755 root root -"
    ];
  };
}
