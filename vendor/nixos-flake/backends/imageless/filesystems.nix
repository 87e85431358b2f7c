# Root on tmpfs; the store and the external kernel's modules come from the
# host over virtiofs. Both shares are mounted by the initrd.
{ lib, ... }:

{
  fileSystems = {
    "/" = {
      device = "none";
      fsType = "tmpfs";
      options = lib.mkDefault [ "mode=0755" ];
    };

    "/nix/store" = {
      device = "store";
      fsType = "virtiofs";
      neededForBoot = true;
    };

    "/lib/modules" = {
      device = "modules";
      fsType = "virtiofs";
      neededForBoot = true;
    };
  };
}
