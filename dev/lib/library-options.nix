# The NixOS options the library declares (every one under nixos-flake.*), as
# data for dev/library-options-doc: the library's modules (default.nix) and
# its backend, with its overlay, evaluated on a real nixpkgs; nothing is
# built or fetched.
#
#   nix eval --json --impure --expr \
#     'import ./dev/lib/library-options.nix { nixpkgs = "NIXPKGS"; }'
#
# NIXPKGS is a nixpkgs tree (an absolute directory) or a flake reference to
# one (the real-NixOS tests pass their wrapped tree).
{
  nixpkgs,
  library ? ../../vendor/nixos-flake,
}:
let
  fromTree = builtins.substring 0 1 nixpkgs == "/";
  flake = builtins.getFlake nixpkgs;
  lib = if fromTree then import (/. + nixpkgs + "/lib") else flake.lib;
  nixosSystem =
    if fromTree then
      args: import (/. + nixpkgs + "/nixos/lib/eval-config.nix") (args // { system = null; })
    else
      flake.lib.nixosSystem;

  system = nixosSystem {
    modules = [
      { nixpkgs.hostPlatform = "x86_64-linux"; }
      (library + "/backends/imageless")
      (library + "/default.nix")
      { nixpkgs.overlays = [ (import (library + "/overlays")) ]; }
    ];
  };

  # Declared-in files relative to the library, as the modules were imported
  # (dev/library-options-doc.py names a directory's default.nix).
  relative = file: lib.removePrefix (toString library + "/") (toString file);

  shown = option: option.visible && !option.internal;
  documented = builtins.filter shown (lib.optionAttrSetToDocList system.options.nixos-flake);

  entry = option: {
    inherit (option)
      name
      loc
      type
      description
      readOnly
      ;
    default = option.default or null;
    example = option.example or null;
    declarations = map relative option.declarations;
  };
in
{
  # The release the options were evaluated on: types describe themselves in
  # its words.
  release = lib.trivial.release;
  options = map entry documented;
}
