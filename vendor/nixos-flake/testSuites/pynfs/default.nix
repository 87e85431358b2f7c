# pynfs and NFStest: NFS server conformance tests and NFS client tests,
# with the NFS client tools, rpcbind, and the packet capture and firewall
# commands NFStest drives.
{ pkgs, ... }:

{
  config = {
    environment.systemPackages = with pkgs; [
      pynfs
      nfstest
      # pynfs README: krb5 (for gssapi), python3; swig is only needed by
      # older trees and is left out.
      krb5
      python3
      # NFStest README and nfstest/host.py: mount/umount of NFS, tcpdump for
      # packet traces, iptables for network partitions, sudo and ssh for
      # multi-client runs.
      nfs-utils
      tcpdump
      iptables
      openssh
      psmisc
    ];

    # The NFS client needs rpcbind for NFSv3 and the lock manager.
    services.rpcbind.enable = true;

    systemd.tmpfiles.rules = [
      "d /var/lib/pynfs 0755 root root -"
      "d /var/lib/nfstest 0755 root root -"
    ];
  };
}
