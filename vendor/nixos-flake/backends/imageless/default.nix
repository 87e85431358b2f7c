# The imageless guest: no disk image, no kernel of its own. The host boots an
# external kernel (CONFIG_VIRTIO_FS, CONFIG_VIRTIO_PCI and CONFIG_TMPFS built
# in) with this closure's initrd and init, and shares /nix/store and
# /lib/modules over virtiofs (the store read-only, with no Nix in the guest).
# Each concern lives in its own file.
{
  imports = [
    ./filesystems.nix
    ./kernel.nix
    ./initrd.nix
    ./boot-loader.nix
    ./ssh.nix
    ./console.nix
    ./network.nix
    ./documentation.nix
    ./nix.nix
    ./bootspec.nix
    ./system.nix
    ./nixpkgs-release.nix
  ];
}
