# The kernel is not part of the closure: it is built elsewhere and its
# modules arrive at /lib/modules over virtiofs.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  # With boot.kernel.enable = false, system.modulesTree stays empty and the
  # initrd's module closure (makeModulesClosure) has no lib/modules/<version>
  # to read, so its build would fail. An empty tree with one placeholder
  # version satisfies it; no module from it is ever loaded.
  emptyModulesTree = pkgs.runCommand "imageless-empty-modules" { } ''
    dir=$out/lib/modules/0.0.0-imageless
    mkdir -p "$dir"
    touch "$dir/modules.order" "$dir/modules.builtin" "$dir/modules.builtin.modinfo"
  '';

  modulesLoadConf = pkgs.writeText "nixos-flake-modules-load.conf" (
    lib.concatStringsSep "\n" config.boot.kernelModules + "\n"
  );
in
{
  boot.kernel.enable = false;

  system.modulesTree = [ emptyModulesTree ];

  # NixOS points udev at /run/booted-system/kernel-modules/lib/modules, a
  # link that only exists when the closure carries a kernel. Here the
  # modules live in the shared /lib/modules, where kmod also looks.
  systemd.services.systemd-udevd.environment.MODULE_DIR = lib.mkForce "/lib/modules";

  # kernel.nix writes boot.kernelModules to modules-load.d only when the
  # kernel is enabled; keep that behaviour for modules other NixOS modules
  # ask for (libvirtd's tun, for example), loaded from the shared tree.
  environment.etc."modules-load.d/nixos.conf".source = lib.mkDefault modulesLoadConf;
  systemd.services.systemd-modules-load = {
    wantedBy = [ "multi-user.target" ];
    restartTriggers = [ modulesLoadConf ];
    # A module the external kernel lacks or has built in must not fail boot.
    serviceConfig.SuccessExitStatus = "0 1";
  };
}
