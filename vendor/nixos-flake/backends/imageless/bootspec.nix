# The flow reads init and initrd from <toplevel>/boot.json, key
# org.nixos.bootspec.v1. NixOS writes that document by default
# (boot.bootspec.enable is internal and true from 24.05 through 25.11), so
# nothing is set for it here; its "kernel" field is kept from pulling in a
# kernel build by kernel.nix.
#
# What a boot side needs besides: every virtiofs tag the guest mounts, where,
# with which options, and whether the initrd needs it (a tag the host does
# not serve hangs the initrd or fails a mount). boot.json carries that as the
# bootspec extension org.nixos-flake.virtiofs.v1, a list of
# { tag, mountPoint, options, neededForBoot }, made from fileSystems so that
# it names exactly what the guest mounts.
{ config, lib, ... }:

let
  virtiofs = lib.filterAttrs (_: fs: fs.fsType == "virtiofs") config.fileSystems;
in
{
  boot.initrd.enable = true;

  boot.bootspec.extensions."org.nixos-flake.virtiofs.v1" = lib.mapAttrsToList (mountPoint: fs: {
    tag = fs.device;
    inherit mountPoint;
    inherit (fs) options neededForBoot;
  }) virtiofs;
}
