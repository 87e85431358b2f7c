# Defaults that suit a throwaway test guest; all of them can be overridden.
{ lib, ... }:

{
  # The release being evaluated: the root is a tmpfs, so no state outlives a
  # boot and the release's own defaults are the right ones.
  system.stateVersion = lib.mkDefault lib.trivial.release;

  # The options manual is a slow build nobody reads inside a test VM.
  documentation.nixos.enable = lib.mkDefault false;

  networking.hostName = lib.mkDefault "imageless";
}
