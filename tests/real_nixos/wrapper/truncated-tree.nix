# Stand-ins for what a tree fetched without its largest files cannot
# evaluate. Applied only where the tree lacks the file; a whole checkout gets
# nothing from here.
#
# pkgs/development/haskell-modules/hackage-packages.nix (over 4 MiB) is the
# whole Haskell package set. NixOS touches Haskell in one place:
# writeShellApplication runs ShellCheck on the scripts it writes when
# shellcheck-minimal.compiler (GHC) is available on the build platform. This
# stand-in declares GHC unavailable, so those scripts are written unchecked
# and no Haskell is evaluated.
tree: final: prev:
if builtins.pathExists "${tree}/pkgs/development/haskell-modules/hackage-packages.nix" then
  { }
else
  let
    unavailable = final.runCommand "shellcheck-unavailable" { } "mkdir -p $out/bin";
  in
  {
    shellcheck = unavailable // {
      compiler.meta.platforms = [ ];
    };
    shellcheck-minimal = final.shellcheck;
  }
