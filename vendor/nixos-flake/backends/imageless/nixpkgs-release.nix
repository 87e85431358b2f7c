# The oldest nixpkgs release the library is evaluated on is written in
# ../../nixpkgs-support.json, which the flow also reads before it runs nix.
# An older tree fails somewhere deep in NixOS with an error that names
# neither; this fails first, and says which release it got.
{ lib, ... }:

let
  inherit (lib.importJSON ../../nixpkgs-support.json) oldestRelease;
  release = lib.trivial.release;
in
{
  # A throw, not an assertion: assertions are read after the whole
  # configuration evaluates, and an older tree may fail before that.
  config = lib.throwIfNot (lib.versionAtLeast release oldestRelease) (
    "nixos-flake needs nixpkgs ${oldestRelease} or newer; this nixpkgs is ${release}. "
    + "Use the library's own pin (nix flake update --flake <config> nixos-flake) "
    + "or a nixpkgs of ${oldestRelease} or later."
  ) { };
}
