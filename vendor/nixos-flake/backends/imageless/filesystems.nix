# Root on tmpfs; the store and the external kernel's modules come from the
# host over virtiofs. Both shares are mounted by the initrd.
#
# The mount options are plain definitions, not lib.mkDefault: NixOS adds
# x-initrd.mount to every file system needed for boot at normal priority,
# which would silently replace a default. Lists merge, so a configuration
# can add options; taking one away needs lib.mkForce.
let
  # The virtiofs tag of each share, which the host's virtiofsd must export.
  tags = (import ../../contract.nix).backend.shares;
in
{
  fileSystems = {
    "/" = {
      device = "none";
      fsType = "tmpfs";
      options = [ "mode=0755" ];
    };

    # The host's own store: read-only, so nothing in the guest can change or
    # delete a path the host relies on (see nix.nix).
    "/nix/store" = {
      device = tags."/nix/store";
      fsType = "virtiofs";
      neededForBoot = true;
      options = [
        "ro"
        "nosuid"
        "nodev"
      ];
    };

    "/lib/modules" = {
      device = tags."/lib/modules";
      fsType = "virtiofs";
      neededForBoot = true;
    };
  };
}
