# A root shell on the guest's consoles, for when a kernel under test breaks
# virtio-net or vsock and SSH is gone: a getty on the virtio console (hvc0)
# and on the first serial port (ttyS0), whichever the host wires up (a
# getty on a port the VM lacks waits for its device and gives up; boot does
# not wait for it). These consoles are reachable only from the host (QEMU's
# character devices), so they log root in without a password. root keeps no
# password, and SSH stays key-only (ssh.nix): nothing on the network takes
# a password.
{ config, lib, ... }:

let
  cfg = config.nixos-flake.console;
in
{
  options.nixos-flake.console = {
    devices = lib.mkOption {
      type = lib.types.listOf (lib.types.strMatching "[A-Za-z0-9]+");
      default = [
        "hvc0"
        "ttyS0"
      ];
      example = [ "hvc0" ];
      description = ''
        Console devices (names under /dev) that get a login prompt at boot,
        whatever the kernel command line says. The default covers
        kdevops-ng's boot, which passes console=ttyS0,115200 console=hvc0.
      '';
    };
    autologin = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = ''
        Log root in on the consoles without a password. They are reachable
        only from the host; set to false to get a login prompt instead (root
        then needs a password or a key of its own to log in there).
      '';
    };
  };

  config = {
    services.getty.autologinUser = lib.mkIf cfg.autologin (lib.mkDefault "root");

    systemd.services = lib.listToAttrs (
      map (device: {
        name = "serial-getty@${device}";
        value = {
          enable = true;
          wantedBy = [ "getty.target" ];
          # A drop-in on NixOS's serial-getty@ template: a unit file of the
          # instance's own would replace the template and have no ExecStart.
          overrideStrategy = "asDropin";
        };
      }) cfg.devices
    );
  };
}
