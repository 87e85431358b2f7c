# The traditional system accounts the suites look up by name: LTP wants the
# `bin` and `daemon` users, each with a group of its name and equal IDs;
# fstests' dump tests want users `daemon` and `bin` and groups `bin` and
# `sys`, and generic/079 wants `daemon`. NixOS has none of them (GID 1 is
# wheel there), so free system IDs are used.
{ config, lib, ... }:

let
  cfg = config.nixos-flake.testSuites.accounts;
in
{
  options.nixos-flake.testSuites.accounts = {
    binId = lib.mkOption {
      type = lib.types.ints.between 1 999;
      default = 481;
      description = "UID of the `bin` user and GID of its group.";
    };
    daemonId = lib.mkOption {
      type = lib.types.ints.between 1 999;
      default = 482;
      description = "UID of the `daemon` user and GID of its group.";
    };
    sysGid = lib.mkOption {
      type = lib.types.ints.between 1 999;
      default = 483;
      description = "GID of the `sys` group.";
    };
  };

  config = {
    users.groups = {
      bin.gid = cfg.binId;
      daemon.gid = cfg.daemonId;
      sys.gid = cfg.sysGid;
    };
    users.users = {
      bin = {
        isSystemUser = true;
        uid = cfg.binId;
        group = "bin";
        description = "Traditional account the test suites expect";
      };
      daemon = {
        isSystemUser = true;
        uid = cfg.daemonId;
        group = "daemon";
        description = "Traditional account the test suites expect";
      };
    };
  };
}
