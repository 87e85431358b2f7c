# Nothing to install: the host passes kernel, initrd and init directly.
{ lib, ... }:

{
  boot.loader.grub.enable = lib.mkDefault false;
}
