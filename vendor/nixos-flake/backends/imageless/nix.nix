# No Nix inside the guest. The store is the host's, shared read-only, and the
# guest's Nix database would start empty on the tmpfs root: a nix-daemon or a
# garbage collection there would take every host path for garbage. Packages
# reach the guest through its configuration (and the flow's extra_packages),
# built on the host. nix.enable = false also drops the nixbld users and the
# nix-gc and nix-optimise units.
{ lib, ... }:

{
  nix.enable = lib.mkDefault false;
}
