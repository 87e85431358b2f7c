# LTP: the Linux Test Project built from source, reachable at /opt/ltp as
# its documentation assumes, with the bin and daemon accounts its tests
# expect.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.testSuites.ltp;
in
{
  options.nixos-flake.testSuites.ltp = {
    binId = lib.mkOption {
      type = lib.types.ints.between 1 999;
      default = 481;
      description = ''
        UID and GID of the `bin` user and group LTP expects. LTP wants each
        of its accounts to have equal user and group IDs; NixOS already uses
        the traditional values (GID 1 is wheel), so a free system ID is used.
      '';
    };
    daemonId = lib.mkOption {
      type = lib.types.ints.between 1 999;
      default = 482;
      description = "UID and GID of the `daemon` user and group LTP expects (see binId).";
    };
  };

  config = {
    environment.systemPackages = with pkgs; [
      ltp
      # kirk (the runner) and runltp need these at run time.
      python3
      bash
      coreutils
      gawk
      util-linux
      procps
      psmisc
      e2fsprogs
      xfsprogs
      btrfs-progs
      iproute2
      kmod
      acl
      attr
      keyutils
      numactl
    ];

    # INSTALL: "LTP assumes the existence of the nobody, bin, and daemon
    # users and their groups", each with equal user and group IDs. NixOS
    # has nobody/nogroup at 65534 already.
    users.groups = {
      bin.gid = cfg.binId;
      daemon.gid = cfg.daemonId;
    };
    users.users = {
      bin = {
        isSystemUser = true;
        uid = cfg.binId;
        group = "bin";
        description = "LTP test account";
      };
      daemon = {
        isSystemUser = true;
        uid = cfg.daemonId;
        group = "daemon";
        description = "LTP test account";
      };
    };

    # The documented install location; kirk and runltp read LTPROOT.
    environment.variables.LTPROOT = "/opt/ltp";
    systemd.tmpfiles.rules = [
      "L+ /opt/ltp - - - - ${pkgs.ltp}"
      "d /var/lib/ltp 0755 root root -"
    ];
  };
}
