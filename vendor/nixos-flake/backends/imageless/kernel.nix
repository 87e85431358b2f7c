# The kernel is not part of the closure: it is built elsewhere, the host boots
# it, and its modules arrive at /lib/modules over virtiofs.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  # NixOS modules name the kernel even when NixOS builds none (the bootspec
  # document did so up to 25.11 with "${config.boot.kernelPackages.kernel}/
  # <kernelFile>"; the initrd reads its config, below), and any such
  # reference would put nixpkgs' kernel build into every closure. The
  # stand-in below is nixpkgs' default kernel without what makes it a
  # derivation: it interpolates to a path that exists nowhere
  # ("/external-kernel") and carries no store reference, so nothing builds
  # a kernel. What NixOS modules read from a kernel (version,
  # features, kernelAtLeast, stdenv, ...) is nixpkgs' default kernel's, the
  # closest guess at a current external one; the label says "Linux
  # external". Anything that needs the kernel's build outputs (out-of-tree
  # modules through boot.extraModulePackages, for example) fails to
  # evaluate instead of quietly building a kernel the guest never boots.
  nixpkgsKernel = pkgs.linuxPackages.kernel;
  derivationAttrs = [
    "type"
    "drvPath"
    "outPath"
    "outputName"
    "outputs"
    "drvAttrs"
    "all"
    "overrideAttrs"
    "overrideDerivation"
  ]
  ++ nixpkgsKernel.outputs;
  externalKernel = builtins.removeAttrs nixpkgsKernel derivationAttrs // {
    name = "linux-external";
    pname = "linux-external";
    modDirVersion = "external";
    outPath = "/external-kernel";
    # boot.kernelPackages' apply adds the configured patches with .override;
    # they are the external build's business.
    override = _: externalKernel;
  };

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

  boot.kernelPackages = lib.mkDefault (
    pkgs.linuxPackages.extend (_final: _prev: { kernel = externalKernel; })
  );

  # NixOS sets system.build.kernel only when it builds the kernel, yet its
  # systemd initrd reads system.build.kernel.config to decide whether the
  # initrd carries kmod (nixos/modules/system/boot/systemd/initrd.nix,
  # withKmod; nixpkgs issue #467069). The stand-in answers as the external
  # kernel would: modular, so the initrd keeps kmod and the (empty) module
  # closure below, as before NixOS 26.05 asked.
  system.build.kernel = config.boot.kernelPackages.kernel;

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
