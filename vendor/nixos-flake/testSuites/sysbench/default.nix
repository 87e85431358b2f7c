# sysbench: CPU, memory, thread, mutex, file I/O and OLTP benchmarks, with
# MariaDB for the OLTP workloads and the runner unit `sysbench@<workload>`.
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
  imports = [ ../common/runner.nix ];

  options.nixos-flake.testSuites.sysbench = {
    directory = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      example = "/mnt/test/sysbench";
      description = ''
        Directory `sysbench@fileio` prepares, measures and removes its test
        files in: on the file system being measured (a tmpfs would measure
        RAM, and the runner refuses it). Created at boot when set.
      '';
    };
    database = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = ''
        Run MariaDB with an empty `sbtest` database for the oltp_*
        workloads (sysbench from nixpkgs has only the MySQL driver).
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

    systemd.tmpfiles.rules = lib.optional (cfg.directory != null) "d ${cfg.directory} 0755 root root -";

    services.mysql = lib.mkIf cfg.database {
      enable = true;
      package = lib.mkDefault pkgs.mariadb;
      ensureDatabases = [ "sbtest" ];
    };

    nixos-flake.testSuites.runners.sysbench = {
      suite = "sysbench";
      description = "sysbench workload";
      resultsDir = "/var/lib/sysbench";
      after = lib.optional cfg.database "mysql.service";
      environment = lib.optionalAttrs (cfg.directory != null) { SYSBENCH_DIR = cfg.directory; };
    };
  };
}
