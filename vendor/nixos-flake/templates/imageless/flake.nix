{
  description = "One imageless NixOS guest built from the nixos-flake library";

  inputs = {
    nixos-flake.url = "path:/path/to/nixos-flake";
    nixpkgs.follows = "nixos-flake/nixpkgs";
  };

  outputs =
    {
      self,
      nixpkgs,
      nixos-flake,
      ...
    }@inputs:
    let
      system = nixpkgs.lib.nixosSystem {
        specialArgs = { inherit inputs nixos-flake; };
        modules = [
          { nixpkgs.hostPlatform = "x86_64-linux"; }
          nixos-flake.nixosModules.backends.imageless
          nixos-flake.nixosModules.user
          { nixpkgs.overlays = [ nixos-flake.overlays.default ]; }
          ./default.nix
        ];
      };
    in
    {
      nixosConfigurations.imageless = system;
      packages.x86_64-linux.toplevel = system.config.system.build.toplevel;
    };
}
