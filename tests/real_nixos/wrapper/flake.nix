# A nixpkgs tree made to answer like the library's pin (nixos-25.11) for
# every name the library touches, so that the library and the flow can be
# evaluated on a real NixOS where only an older tree is at hand. The tests in
# tests/real_nixos copy this flake, set nixpkgs.url in the copy to the tree
# given in $NIXPKGS, lock it:
#
#   nix flake lock path:<copy>
#
# and pass the copy where the flow or the library takes a nixpkgs (see
# wrapped_tree.py for why the url, not --override-input). Nothing of the
# tree itself is changed.
{
  description = "nixpkgs with stand-ins that make it answer like nixos-25.11 for nixos-flake";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      overlays = [
        (import ./as-nixos-25.11.nix)
        (import ./truncated-tree.nix nixpkgs)
      ];
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
