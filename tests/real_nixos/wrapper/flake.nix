# A nixpkgs tree with stand-ins for what a tree fetched without its largest
# files cannot evaluate (truncated-tree.nix; a whole checkout gets none).
# The tests in tests/real_nixos copy this flake, set nixpkgs.url in the copy
# to the tree given in $NIXPKGS, lock it:
#
#   nix flake lock path:<copy>
#
# and pass the copy where the flow or the library takes a nixpkgs (see
# wrapped_tree.py for why the url, not --override-input). The copy also gets
# the tree's lib/.version, so that the flow reads the release it wraps.
# Nothing of the tree itself is changed.
{
  description = "nixpkgs with stand-ins for the files a truncated tree lacks";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      overlays = [ (import ./truncated-tree.nix nixpkgs) ];
    in
    {
      lib = lib // {
        # Every NixOS system built through this flake gets the stand-ins
        # before any overlay of its own.
        nixosSystem =
          args:
          lib.nixosSystem (
            args
            // {
              modules = (args.modules or [ ]) ++ [ { nixpkgs.overlays = lib.mkBefore overlays; } ];
            }
          );
      };

      legacyPackages = builtins.mapAttrs (
        _system: pkgs: pkgs.appendOverlays overlays
      ) nixpkgs.legacyPackages;
    };
}
