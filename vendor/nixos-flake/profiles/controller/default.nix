# The host role: a machine that runs test guests itself. It brings libvirtd,
# so it is off until nixos-flake.controller.enable is set.
{
  config,
  lib,
  options,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.controller;
  hasUser = options ? nixos-flake && options.nixos-flake ? user;
in
{
  options.nixos-flake.controller.enable = lib.mkEnableOption ''
    the controller (host) role: libvirtd with QEMU, virtiofsd for imageless
    guests, and the library's user in the libvirtd group'';

  config = lib.mkIf cfg.enable (
    lib.mkMerge [
      {
        virtualisation.libvirtd.enable = true;

        environment.systemPackages = with pkgs; [
          virtiofsd
          qemu_kvm
        ];
      }
      (lib.optionalAttrs hasUser {
        users.users.${config.nixos-flake.user.name}.extraGroups = [
          "libvirtd"
          "kvm"
        ];
      })
    ]
  );
}
