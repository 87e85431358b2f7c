# Stand-ins for what a tree fetched without its largest files cannot
# evaluate, each chosen by what the tree's Haskell package set holds, not by
# whether its file exists: a tree may carry a placeholder in its place. A
# whole checkout gets nothing from here.
#
# pkgs/development/haskell-modules/hackage-packages.nix (over 4 MiB) is the
# whole Haskell package set. NixOS and the library reach Haskell through
# two programs only:
# - ShellCheck: writeShellApplication checks the scripts it writes when
#   shellcheck-minimal.compiler.bootstrapAvailable (NixOS 26.05,
#   pkgs/build-support/trivial-builders/default.nix) or, in older trees,
#   when the compiler's meta.platforms covers the build platform;
# - pandoc: libvirt's xen and a few tools build their manuals with it, and
#   ask pandoc.compiler.bootstrapAvailable first.
# A stand-in declares its compiler unavailable, so those scripts are
# written unchecked and no Haskell is evaluated.
tree: final: prev:
let
  hackagePackages = "${tree}/pkgs/development/haskell-modules/hackage-packages.nix";
  # The names the tree's package set defines, read from the file alone: the
  # set itself cannot be asked, as evaluating it fails when the file is
  # missing and no tryEval catches that.
  hackageNames =
    if builtins.pathExists hackagePackages then
      builtins.attrNames (
        import hackagePackages {
          pkgs = prev;
          inherit (prev) lib;
          callPackage = _: _: null;
        } { }
      )
    else
      [ ];
  holds = name: builtins.elem name hackageNames;

  unavailable =
    name:
    final.runCommand "${name}-unavailable" { } "mkdir -p $out/bin"
    // {
      compiler = {
        bootstrapAvailable = false;
        meta.platforms = [ ];
      };
    };
in
prev.lib.optionalAttrs (!holds "ShellCheck") {
  shellcheck = unavailable "shellcheck";
  shellcheck-minimal = final.shellcheck;
}
// prev.lib.optionalAttrs (!holds "pandoc-cli") {
  pandoc = unavailable "pandoc";
}
