# The flow reads init and initrd from <toplevel>/boot.json, key
# org.nixos.bootspec.v1. NixOS writes that document by default
# (boot.bootspec.enable is internal and true from 24.05 through 25.11), so
# nothing is set for it here; its "kernel" field is kept from pulling in a
# kernel build by kernel.nix. This module only makes sure the initrd the
# document names exists.
{
  boot.initrd.enable = true;
}
