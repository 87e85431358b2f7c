# The guest's network: systemd-networkd with DHCP on its Ethernet interfaces,
# no dhcpcd, and nothing at boot that waits for an address.
#
# dhcpcd alone cost a guest 7.7 s of boot in microvm.nix's measurements
# (microvm.nix PR #146); networkd is socket-activated and configures the
# interface while the rest of the boot goes on. NixOS's networkd also turns
# on systemd-resolved (nixos/modules/system/boot/networkd.nix,
# services.resolved.enable = mkDefault true), which gives the guest the DNS
# server DHCP names.
#
# systemd-networkd-wait-online stays, for the units that ask for
# network-online.target: the suites' runner units, started on demand
# (testSuites/common/runner.nix). Since NixOS 24.05 multi-user.target no
# longer wants network-online.target, so no unit started at boot waits for
# it; the real-NixOS tests keep it that way.
#
# Firewall: off. kdevops-ng boots the guest with QEMU's user-mode network
# (its qemu-system-units template: -nic user, with hostfwd only from the
# host's 127.0.0.1 to the guest's port 22), so no packet from outside the
# host reaches the guest at all, and from the host only what the boot side
# forwards does. A firewall in the guest would guard nothing more, cost a
# unit at boot and block the tests' own NFS callbacks and exporters when a
# caller does forward them. A caller who puts the guest on a bridge or tap
# reachable from elsewhere sets networking.firewall.enable = true: every
# service in the library declares the ports it serves
# (networking.firewall.allowedTCPPorts and friends), so the guest keeps
# working with it on.
{ config, lib, ... }:

let
  cfg = config.nixos-flake.network;
in
{
  options.nixos-flake.network = {
    dhcpInterfaces = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [
        "en*"
        "eth*"
      ];
      example = [ "enp0s2" ];
      description = ''
        Interface name patterns (systemd.network's Name= globs) that get an
        address by DHCP from systemd-networkd: the predictable names
        (en*) and the kernel's own (eth*, with net.ifnames=0). Empty: no
        interface is configured by the library.
      '';
    };
  };

  config = {
    networking.useNetworkd = lib.mkDefault true;
    # useDHCP would add NixOS's own catch-all networks (every Ethernet and
    # WLAN station, nixos/modules/tasks/network-interfaces-systemd.nix);
    # the guest's interfaces are named below instead.
    networking.useDHCP = lib.mkDefault false;
    networking.dhcpcd.enable = lib.mkDefault false;
    networking.firewall.enable = lib.mkDefault false;

    systemd.network.networks."80-nixos-flake-dhcp" = lib.mkIf (cfg.dhcpInterfaces != [ ]) {
      matchConfig.Name = cfg.dhcpInterfaces;
      networkConfig.DHCP = "yes";
    };

    # One interface is enough for a VM with one NIC; without useDHCP NixOS
    # would wait for all of them (systemd.network.wait-online.anyInterface
    # defaults to networking.useDHCP). The timeout bounds what a runner
    # unit waits when the network never comes.
    systemd.network.wait-online = {
      anyInterface = lib.mkDefault true;
      timeout = lib.mkDefault 30;
    };
  };
}
