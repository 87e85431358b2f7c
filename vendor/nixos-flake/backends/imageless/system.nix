# Defaults that suit a throwaway test guest; all of them can be overridden.
{ lib, ... }:

{
  # The release being evaluated: the root is a tmpfs, so no state outlives a
  # boot and the release's own defaults are the right ones.
  system.stateVersion = lib.mkDefault lib.trivial.release;

  networking.hostName = lib.mkDefault "imageless";

  # Units a throwaway guest would start at boot for nothing (the flow's
  # docs/design/guest.rst lists what it starts): systemd-oomd acts on no slice unless told
  # to (systemd.oomd.enable*Slice, nixos/modules/system/boot/systemd/oomd.nix);
  # the root is a tmpfs and the store a read-only share, so fstrim finds
  # nothing to trim; and logs go to the journal on that tmpfs, with nothing
  # for logrotate (NixOS's profiles/minimal.nix turns it off too).
  systemd.oomd.enable = lib.mkDefault false;
  services.fstrim.enable = lib.mkDefault false;
  services.logrotate.enable = lib.mkDefault false;
}
