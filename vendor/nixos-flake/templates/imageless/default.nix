# The guest's own configuration. flake.nix already brings the imageless
# backend, the user module and the library's overlay; everything else is
# chosen here. `nixos-flake` is the library flake and `inputs` are this
# flake's inputs (both come through specialArgs).
{
  lib,
  nixos-flake,
  inputs,
  ...
}:

{
  imports = [
    # Profiles: devel and build-tools act on import; monitoring and
    # controller also need their enable option below.
    nixos-flake.nixosModules.profiles.devel
    nixos-flake.nixosModules.profiles.build-tools
    nixos-flake.nixosModules.profiles.monitoring

    # Test suites: each installs its suite and what the suite needs.
    nixos-flake.nixosModules.testSuites.fstests
    nixos-flake.nixosModules.testSuites.blktests
    # nixos-flake.nixosModules.testSuites.gitr
    # nixos-flake.nixosModules.testSuites.ltp
    # nixos-flake.nixosModules.testSuites.mmtests
    # nixos-flake.nixosModules.testSuites.pynfs
    # nixos-flake.nixosModules.testSuites.selftests
    # nixos-flake.nixosModules.testSuites.sysbench

    # Extra virtiofs shares (see nixos-flake.shares below).
    nixos-flake.nixosModules.mounts.shares
    # Block devices, formatted once when blank (see nixos-flake.storage below).
    nixos-flake.nixosModules.mounts.storage
  ];

  networking.hostName = "imageless";

  nixos-flake.monitoring.enable = true;
  # nixos-flake.controller.enable = true;  # host role: brings libvirtd

  # The login user (default name "kdevops", in group wheel).
  # nixos-flake.user.name = "dev";
  # nixos-flake.user.extraGroups = [ "wheel" "kvm" ];

  # Key-only SSH: put your public key here (the user has no password).
  users.users.kdevops.openssh.authorizedKeys.keys = [
    # "ssh-ed25519 AAAA... you@host"
  ];

  # Host directories exported over virtiofs, keyed by guest mount point.
  # nixos-flake.shares."/mnt/linux" = {
  #   tag = "linux";
  #   options = [ "ro" ];
  # };

  # Block devices (a scratch disk), keyed by guest mount point. mkfsArgs
  # formats a blank device once (autoFormat: mkfs's defaults instead).
  # nixos-flake.storage."/mnt/scratch" = {
  #   device = "/dev/vdb";
  #   fsType = "xfs";
  #   mkfsArgs = [ "-m" "reflink=1" ];
  # };

  # A package built from your own tree: add an input in flake.nix,
  #   inputs.fio-src = { url = "path:/src/fio"; flake = false; };
  # and override its source here.
  # nixpkgs.overlays = [
  #   (final: prev: {
  #     fio = prev.fio.overrideAttrs (old: { src = inputs.fio-src; });
  #   })
  # ];
}
