# Parameters of kernel modules, set whether the external kernel builds the
# module in or leaves it modular. The guest boots a kernel NixOS did not
# build and whose command line the boot side chooses (kdevops-ng's passes
# none of ours), so a parameter goes two ways: as a modprobe.d option, which
# a modular module takes when it loads, and as a systemd-tmpfiles `w` rule on
# /sys/module/<module>/parameters/<name>, which sets a built-in one early in
# boot. `w` writes only to a file that exists, so the rule does nothing for a
# module that is not built in (or not in the kernel at all). Only parameters
# writable at run time (mode 0644) can be set so; each user names the
# kernel source that says it is.
{ config, lib, ... }:

let
  cfg = config.nixos-flake.moduleParameters;
in
{
  options.nixos-flake.moduleParameters = lib.mkOption {
    type = lib.types.attrsOf (lib.types.attrsOf lib.types.str);
    default = { };
    example = {
      nfs.callback_tcpport = "4048";
    };
    description = ''
      Kernel module parameters by module and name, each set both in
      modprobe.d (a modular module) and at boot in
      /sys/module/<module>/parameters (a built-in one). The parameter must
      be writable at run time.
    '';
  };

  config = lib.mkIf (cfg != { }) {
    boot.extraModprobeConfig = lib.concatStringsSep "\n" (
      lib.mapAttrsToList (
        module: parameters:
        "options ${module} "
        + lib.concatStringsSep " " (lib.mapAttrsToList (name: value: "${name}=${value}") parameters)
      ) cfg
    );
    systemd.tmpfiles.rules = lib.concatLists (
      lib.mapAttrsToList (
        module: parameters:
        lib.mapAttrsToList (
          name: value: "w /sys/module/${module}/parameters/${name} - - - - ${value}"
        ) parameters
      ) cfg
    );
  };
}
