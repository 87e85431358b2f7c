# sysbench: CPU, memory, thread, mutex and file I/O benchmarks, with a
# directory for its fileio test files.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.testSuites.sysbench;
in
{
  options.nixos-flake.testSuites.sysbench = {
    directory = lib.mkOption {
      type = lib.types.str;
      default = "/var/lib/sysbench";
      description = ''
        Directory created for `sysbench fileio` runs, which prepare and
        remove their test files in the working directory. Point it at the
        file system being measured.
      '';
    };
  };

  config = {
    environment.systemPackages = with pkgs; [
      sysbench
      # Companions for its results: CPU and NUMA placement.
      numactl
      util-linux
    ];

    systemd.tmpfiles.rules = [ "d ${cfg.directory} 0755 root root -" ];
  };
}
