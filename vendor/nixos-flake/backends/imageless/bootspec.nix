# The flow reads init and initrd from <toplevel>/boot.json, key
# org.nixos.bootspec.v1. NixOS writes that document by default: in the
# pinned release boot.bootspec.enable is an internal option defaulting to
# true, and later releases dropped the option altogether, so nothing is set
# here. This module only makes sure the initrd the document names exists.
{
  boot.initrd.enable = true;
}
