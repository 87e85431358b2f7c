# Defaults that suit a throwaway test guest; all of them can be overridden.
{ lib, ... }:

{
  # The release the library is pinned to (flake.lock: nixos-25.11).
  system.stateVersion = lib.mkDefault "25.11";

  # The options manual is a slow build nobody reads inside a test VM.
  documentation.nixos.enable = lib.mkDefault false;

  networking.hostName = lib.mkDefault "imageless";
}
