# One NixOS toplevel per backend, per profile and per test suite, each built
# on the imageless backend with the user module and the library's overlay,
# plus the featured default (devel, build-tools, monitoring and every
# suite). Attribute names come from contract.nix and this file alone, so
# that listing them never evaluates nixpkgs.
{
  self,
  nixpkgs,
  pkgs,
}:

let
  system = pkgs.stdenv.hostPlatform.system;

  toplevel =
    modules:
    (nixpkgs.lib.nixosSystem {
      specialArgs = {
        nixos-flake = self;
        inputs = {
          inherit nixpkgs;
          nixos-flake = self;
        };
      };
      modules = [
        { nixpkgs.hostPlatform = system; }
        self.nixosModules.backends.imageless
        self.nixosModules.user
        { nixpkgs.overlays = [ self.overlays.default ]; }
      ]
      ++ modules;
    }).config.system.build.toplevel;

  inherit (self.nixosModules) profiles testSuites;
  contract = import ../contract.nix;

  # A profile's enable option, when it needs one to act.
  enabled =
    name:
    let
      facts = contract.profiles.${name};
    in
    nixpkgs.lib.optional (facts ? enable) (nixpkgs.lib.setAttrByPath facts.enable true);

  featuredProfiles = builtins.filter (name: contract.profiles.${name}.featured) (
    builtins.attrNames contract.profiles
  );

  # "<prefix>-<name>" = the toplevel of modulesFor name, for each name of a kind.
  each =
    prefix: kind: modulesFor:
    builtins.listToAttrs (
      map (name: {
        name = "${prefix}-${name}";
        value = toplevel (modulesFor name);
      }) (builtins.attrNames contract.${kind})
    );
in
each "profile" "profiles" (name: [ profiles.${name} ] ++ enabled name)
// each "suite" "testSuites" (name: [ testSuites.${name} ])
// {
  backend-imageless = toplevel [ ];

  mounts-shares = toplevel [
    self.nixosModules.mounts.shares
    {
      nixos-flake.shares = {
        "/mnt/linux".tag = "linux";
        "/mnt/results" = {
          tag = "results";
          options = [ "nofail" ];
        };
      };
    }
  ];

  # Two disks: one formatted by the module's own unit, one by NixOS's
  # systemd-makefs, both mounted nofail.
  mounts-storage = toplevel [
    self.nixosModules.mounts.storage
    {
      nixos-flake.storage = {
        "/mnt/scratch" = {
          device = "/dev/vdb";
          fsType = "xfs";
          mkfsArgs = [
            "-b"
            "size=4096"
          ];
        };
        "/mnt/test" = {
          device = "/dev/vdc";
          fsType = "ext4";
          autoFormat = true;
          options = [ "noatime" ];
        };
      };
    }
  ];

  featured = toplevel (
    [ self.nixosModules.default ] ++ builtins.concatMap enabled featuredProfiles
  );
}
