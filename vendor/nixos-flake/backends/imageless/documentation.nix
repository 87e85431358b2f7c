# No documentation in the guest, and no package's development outputs: a
# throwaway test VM reads neither, and both add store paths to every
# closure (the man, info, doc and dev outputs of everything installed).
# NixOS's own profiles/minimal.nix turns the same switches off.
#
# A suite that reads man pages turns them on for itself with
#   documentation.man.enable = true;
# documentation.enable, NixOS's switch for all of it (its config is
# mkIf documentation.enable, nixos/modules/misc/documentation.nix), follows
# man pages here, so that one line is all it takes. Every value is a
# lib.mkDefault: any plain definition wins.
{ config, lib, ... }:

{
  documentation = {
    enable = lib.mkDefault config.documentation.man.enable;
    man.enable = lib.mkDefault false;
    info.enable = lib.mkDefault false;
    doc.enable = lib.mkDefault false;
    dev.enable = lib.mkDefault false;
    # The options manual is a slow build nobody reads inside a test VM.
    nixos.enable = lib.mkDefault false;
  };
}
