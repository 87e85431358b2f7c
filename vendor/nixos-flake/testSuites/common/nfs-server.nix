# The guest's own NFS server (the kernel under test's nfsd), for pynfs to
# test and for fstests' NFS sections to mount: each directory in `exports`
# is created and exported read-write to everyone, root included. The client
# side's statd (NFSv3 locks) comes with it, and the NFSv4.0 callback port
# is fixed and open so that a remote server can reach the client.
{ config, lib, ... }:

let
  cfg = config.nixos-flake.testSuites.nfsServer;
  # tmpfs has no UUID for nfsd to name it by: give each export an fsid.
  exportLine =
    index: directory:
    "${directory} *(rw,sync,insecure,no_root_squash,no_subtree_check,fsid=${toString (index + 1)})";
in
{
  imports = [ ../../kernel/module-parameters.nix ];

  options.nixos-flake.testSuites.nfsServer = {
    exports = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      example = [ "/export/test" ];
      description = ''
        Directories the guest's nfsd exports (created at boot). Suites add
        theirs; mount a disk on one to test NFS over a real file system
        instead of tmpfs. Empty: no NFS server runs.
      '';
    };
    callbackPort = lib.mkOption {
      type = lib.types.port;
      default = 4048;
      description = ''
        TCP port of the NFS client's NFSv4.0 callback service (the nfs
        module's callback_tcpport), opened in the firewall so that a
        server can grant delegations.
      '';
    };
  };

  config = lib.mkMerge [
    {
      # The client: mount.nfs, rpc.statd for NFSv3 locking, rpcbind.
      boot.supportedFilesystems = [ "nfs" ];
      # Not on the kernel command line, which kdevops-ng's boot does not
      # pass on: a module parameter (../../kernel/module-parameters.nix),
      # writable at run time (fs/nfs/super.c, module_param_named(
      # callback_tcpport, nfs_callback_set_tcpport, portnr, 0644)) and read
      # when the callback service starts, at the first NFSv4.0 mount, which
      # comes after systemd-tmpfiles-setup sets it.
      nixos-flake.moduleParameters.nfs.callback_tcpport = toString cfg.callbackPort;
      networking.firewall.allowedTCPPorts = [ cfg.callbackPort ];
    }
    (lib.mkIf (cfg.exports != [ ]) {
      services.nfs.server = {
        enable = true;
        exports = lib.concatStringsSep "\n" (lib.imap0 exportLine cfg.exports) + "\n";
      };
      networking.firewall.allowedTCPPorts = [
        111
        2049
      ];
      networking.firewall.allowedUDPPorts = [
        111
        2049
      ];
      systemd.tmpfiles.rules = map (directory: "d ${directory} 0777 root root -") cfg.exports;
    })
  ];
}
