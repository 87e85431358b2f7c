# Extra host directories shared into the guest over virtiofs, keyed by the
# guest mount point.
{
  config,
  lib,
  ...
}:

let
  cfg = config.nixos-flake.shares;

  shareType = lib.types.submodule {
    options = {
      tag = lib.mkOption {
        type = lib.types.str;
        example = "linux";
        description = "The virtiofs tag the host exports this directory under.";
      };

      options = lib.mkOption {
        type = lib.types.listOf lib.types.str;
        default = [ ];
        example = [
          "ro"
          "nofail"
        ];
        description = ''
          Mount options. Empty means the NixOS default (`defaults`).
        '';
      };
    };
  };
in
{
  options.nixos-flake.shares = lib.mkOption {
    type = lib.types.attrsOf shareType;
    default = { };
    example = {
      "/mnt/linux" = {
        tag = "linux";
      };
      "/mnt/results" = {
        tag = "results";
        options = [ "nofail" ];
      };
    };
    description = ''
      virtiofs shares to mount, keyed by absolute guest mount point. Each
      becomes a `fileSystems` entry with `fsType = "virtiofs"` and the tag
      as its device.
    '';
  };

  config = {
    assertions = lib.mapAttrsToList (mountPoint: share: {
      assertion = lib.hasPrefix "/" mountPoint && share.tag != "";
      message = ''
        nixos-flake.shares."${mountPoint}": the mount point must be an
        absolute path and the tag must not be empty.
      '';
    }) cfg;

    fileSystems = lib.mapAttrs (_mountPoint: share: {
      device = share.tag;
      fsType = "virtiofs";
      # fileSystems.<name>.options must not be empty; leave its default.
      options = lib.mkIf (share.options != [ ]) share.options;
    }) cfg;
  };
}
