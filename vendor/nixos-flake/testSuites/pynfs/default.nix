# pynfs and NFStest: NFS server conformance tests and NFS client tests,
# with the guest's own nfsd exporting /export/pynfs to test, the NFS client
# tools, and the packet capture and firewall commands NFStest drives. The
# runner units `pynfs@<4.0|4.1>` and `nfstest@<test>` run pynfs and
# NFStest against the guest's exports.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.testSuites.pynfs;
  inherit ((import ../../contract.nix).testSuites.pynfs) results;
in
{
  imports = [
    ../common/nfs-server.nix
    ../common/runner.nix
  ];

  options.nixos-flake.testSuites.pynfs = {
    server = lib.mkOption {
      type = lib.types.strMatching "[^:]+:/.*";
      default = "localhost:/export/pynfs";
      example = "nfs-server:/export/pynfs";
      description = ''
        The export `pynfs@<version>` tests (server:/path). The default is
        the guest's own nfsd, i.e. the kernel under test as the server.
      '';
    };
    nfstestServer = lib.mkOption {
      type = lib.types.strMatching "[^:]+:/.*";
      default = "localhost:/export/nfstest";
      description = ''
        The export `nfstest@<test>` mounts (server:/path). The default is
        the guest's own nfsd: the kernel under test is client and server.
      '';
    };
  };

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

    # The client's rpcbind and statd come with the NFS server module.
    nixos-flake.testSuites.nfsServer.exports = [
      "/export/pynfs"
      "/export/nfstest"
    ];

    # pynfs' NFSv4.0 callback server listens on an ephemeral port it
    # advertises in SETCLIENTID; a server other than the guest's own must
    # reach it for the delegation tests (the guest's own comes over lo,
    # which the firewall never filters). Linux picks it from
    # net.ipv4.ip_local_port_range, 32768-60999 by default.
    networking.firewall.allowedTCPPortRanges = [
      {
        from = 32768;
        to = 60999;
      }
    ];

    nixos-flake.testSuites.runners.pynfs = {
      suite = "pynfs";
      description = "pynfs NFS server tests, NFS version";
      resultsDir = results;
      after = [ "nfs-server.service" ];
      environment.PYNFS_SERVER = cfg.server;
    };

    # nfstest@posix runs nfstest_posix, and so on for each NFStest test.
    nixos-flake.testSuites.runners.nfstest = {
      suite = "nfstest";
      description = "NFStest NFS client tests, test";
      resultsDir = "${results}/nfstest";
      after = [ "nfs-server.service" ];
      environment.NFSTEST_SERVER = cfg.nfstestServer;
    };
  };
}
