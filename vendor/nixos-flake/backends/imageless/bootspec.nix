# The flow reads init and initrd from <toplevel>/boot.json, key
# org.nixos.bootspec.v1. NixOS writes that document by default
# (boot.bootspec.enable is internal and true up to 26.05; 26.11 removed the
# option and always writes it), so nothing is set for it here.
#
# Since NixOS 26.05 that document has neither "kernel" nor "kernelParams"
# when NixOS builds no kernel (nixos/modules/system/activation/bootspec.nix,
# lib.optionalAttrs config.boot.kernel.enable). boot.kernelParams go into
# the extension org.nixos-flake.kernel.v1, { kernelParams }, which the flow
# returns as kernel_params. The guest depends on none of them beyond a
# root= (NixOS's root=fstab, or root=tmpfs): kdevops-ng's boot passes
# root=tmpfs, the consoles and init= and drops kernel_params, so a setting
# the guest needs is made at boot instead (nfs-server.nix's callback port).
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

  boot.bootspec.extensions."org.nixos-flake.kernel.v1" = {
    inherit (config.boot) kernelParams;
  };

  boot.bootspec.extensions."org.nixos-flake.virtiofs.v1" = lib.mapAttrsToList (mountPoint: fs: {
    tag = fs.device;
    inherit mountPoint;
    inherit (fs) options neededForBoot;
  }) virtiofs;
}
