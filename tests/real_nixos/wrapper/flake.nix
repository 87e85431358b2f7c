# A nixpkgs tree with stand-ins for what a tree fetched without its largest
# files cannot evaluate (truncated-tree.nix; a whole checkout gets none).
# The tests in tests/real_nixos copy this flake, set nixpkgs.url in the copy
# to the tree given in $NIXPKGS, lock it:
#
#   nix flake lock path:<copy>
#
# and pass the copy where the flow or the library takes a nixpkgs (see
# wrapped_tree.py for why the url, not --override-input). The copy also gets
# the tree's lib/.version, so that the flow reads the release it wraps, and,
# when known, its commit in lib/.git-revision, so that its systems name it.
# Nothing of the tree itself is changed.
{
  description = "nixpkgs with stand-ins for the files a truncated tree lacks";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      overlays = [ (import ./truncated-tree.nix nixpkgs) ];
      # The commit the tree is, when whoever wrapped it knows (wrapped_tree.py
      # writes it): an extracted tree has no .git and is not a git input, so
      # NixOS would call itself "<release>.19700101.dirty" with no revision.
      # The date stays unknown, as nixpkgs' own flake writes it then.
      revisionFile = ./lib/.git-revision;
      revision = if builtins.pathExists revisionFile then lib.fileContents revisionFile else null;
      named = lib.optional (revision != null) {
        system.nixos.revision = revision;
        system.nixos.versionSuffix = ".19700101.${builtins.substring 0 7 revision}";
      };
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
              modules =
                (args.modules or [ ]) ++ [ { nixpkgs.overlays = lib.mkBefore overlays; } ] ++ named;
            }
          );
      };

      legacyPackages = builtins.mapAttrs (
        _system: pkgs: pkgs.appendOverlays overlays
      ) nixpkgs.legacyPackages;
    };
}
