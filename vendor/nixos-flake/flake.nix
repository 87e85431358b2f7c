{
  description = "NixOS modules for imageless kernel-test guests";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  # nixosModules, overlays and templates are plain paths and attribute sets so
  # that tools can list them (nix eval ... --apply builtins.attrNames) without
  # fetching nixpkgs. Only packages and checks touch nixpkgs.
  outputs =
    { self, nixpkgs }:
    let
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
        profiles = {
          build-tools = ./profiles/build-tools;
          controller = ./profiles/controller;
          devel = ./profiles/devel;
          monitoring = ./profiles/monitoring;
        };
        testSuites = {
          blktests = ./testSuites/blktests;
          fstests = ./testSuites/fstests;
          gitr = ./testSuites/gitr;
          kunit = ./testSuites/kunit;
          ltp = ./testSuites/ltp;
          mmtests = ./testSuites/mmtests;
          pynfs = ./testSuites/pynfs;
          selftests = ./testSuites/selftests;
          sysbench = ./testSuites/sysbench;
          usertests = ./testSuites/usertests;
        };
        mounts = {
          shares = ./mounts/shares;
          storage = ./mounts/storage;
        };
      };

      overlays.default = import ./overlays;

      packages = forAllSystems (pkgs: import ./pkgs { inherit pkgs; });

      templates.imageless = {
        path = ./templates/imageless;
        description = "Per-VM imageless guest: flake.nix plus a default.nix to edit";
      };

      checks = forAllSystems (pkgs: import ./checks { inherit self nixpkgs pkgs; });
    };
}
