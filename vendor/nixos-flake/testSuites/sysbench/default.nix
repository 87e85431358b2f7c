# sysbench: CPU, memory, thread, mutex, file I/O and OLTP benchmarks, with
# MariaDB and PostgreSQL for the OLTP workloads (kdevops runs both) and the
# runner unit `sysbench@<workload>`.
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
    databases = lib.mkOption {
      type = lib.types.listOf (
        lib.types.enum [
          "mariadb"
          "postgresql"
        ]
      );
      default = [
        "mariadb"
        "postgresql"
      ];
      description = ''
        Database servers run for the oltp_* workloads, each with an empty
        `sbtest` database: `sysbench@oltp_read_write` uses MariaDB (as
        root over its socket), `sysbench@oltp_read_write-pgsql`
        PostgreSQL (as role sbtest over its socket).
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

    systemd.tmpfiles.rules = lib.optional (
      cfg.directory != null
    ) "d ${cfg.directory} 0755 root root -";

    services.mysql = lib.mkIf (lib.elem "mariadb" cfg.databases) {
      enable = true;
      package = lib.mkDefault pkgs.mariadb;
      ensureDatabases = [ "sbtest" ];
    };

    services.postgresql = lib.mkIf (lib.elem "postgresql" cfg.databases) {
      enable = true;
      ensureDatabases = [ "sbtest" ];
      ensureUsers = [
        {
          name = "sbtest";
          ensureDBOwnership = true;
        }
      ];
      # The runner connects as root over the socket, as role sbtest.
      authentication = lib.mkBefore "local sbtest sbtest trust\n";
    };

    nixos-flake.testSuites.runners.sysbench = {
      suite = "sysbench";
      description = "sysbench workload";
      resultsDir = (import ../../contract.nix).testSuites.sysbench.results;
      after =
        lib.optional (lib.elem "mariadb" cfg.databases) "mysql.service"
        ++ lib.optional (lib.elem "postgresql" cfg.databases) "postgresql.service";
      environment = lib.optionalAttrs (cfg.directory != null) { SYSBENCH_DIR = cfg.directory; };
    };
  };
}
