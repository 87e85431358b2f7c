{
  description = "NixOS modules for imageless kernel-test guests";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  # nixosModules, overlays and templates are plain paths and attribute sets so
  # that tools can list them (nix eval ... --apply builtins.attrNames) without
  # fetching nixpkgs. Only packages and checks touch nixpkgs.
  outputs =
    { self, nixpkgs }:
    let
      contract = import ./contract.nix;
      # nixosModules.<kind>.<name> = ./<kind>/<name>, for each name the
      # contract lists.
      modulesOf = kind: builtins.mapAttrs (name: _: ./. + "/${kind}/${name}") contract.${kind};
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      # builtins only: the attribute names must not force nixpkgs (nix eval
      # looks for packages.<system>.<attr> before <attr>).
      forAllSystems =
        f:
        builtins.listToAttrs (
          map (system: {
            name = system;
            value = f nixpkgs.legacyPackages.${system};
          }) systems
        );
    in
    {
      nixosModules = {
        default = ./default.nix;
        backends.imageless = ./backends/imageless;
        user = ./user;
        profiles = modulesOf "profiles";
        testSuites = modulesOf "testSuites";
        mounts = {
          shares = ./mounts/shares;
          storage = ./mounts/storage;
        };
      };

      overlays.default = import ./overlays;

      # Functions the per-VM default.nix the flow renders calls.
      lib.sourceVersion = import ./lib/source-version.nix;

      packages = forAllSystems (pkgs: import ./pkgs { inherit pkgs; });

      templates.imageless = {
        path = ./templates/imageless;
        description = "Per-VM imageless guest: flake.nix plus a default.nix to edit";
      };

      checks = forAllSystems (pkgs: import ./checks { inherit self nixpkgs pkgs; });
    };
}
