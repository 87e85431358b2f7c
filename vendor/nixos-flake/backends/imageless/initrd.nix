# systemd in the initrd, carrying no kernel modules: everything needed to
# mount the root, the store and /lib/modules is built into the kernel.
{ lib, ... }:

{
  boot.initrd = {
    systemd.enable = true;
    # Root gets an unauthenticated shell when the initrd fails (a test VM
    # has no secrets to guard at that point).
    systemd.emergencyAccess = lib.mkDefault true;

    includeDefaultModules = false;
    # mkForce: systemd's initrd module and file system modules (virtiofs,
    # tmpfs) add their own entries.
    availableKernelModules = lib.mkForce [ ];
    kernelModules = lib.mkForce [ ];
  };
}
