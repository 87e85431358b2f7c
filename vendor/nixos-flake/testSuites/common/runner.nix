# One systemd template unit per suite, `<unit>@<instance>.service`, each
# running `suite-run <suite> <instance>`: it checks the suite's
# prerequisites, runs it, and files the results under
# <resultsDir>/<kernel release>/<timestamp>/ with a summary.json
# (pkgs/suite-runner says what it holds).
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.testSuites.runners;

  runner = lib.types.submodule {
    options = {
      suite = lib.mkOption {
        type = lib.types.str;
        description = "The suite's name for suite-run (suite-run --help lists them).";
      };
      description = lib.mkOption {
        type = lib.types.str;
        description = "What the unit runs, for systemctl status; the instance is appended.";
      };
      instance = lib.mkOption {
        type = lib.types.enum [
          "%i"
          "%I"
          "%f"
        ];
        default = "%i";
        description = ''
          How the unit's instance reaches suite-run: `%i` as written
          (`xfstests@xfs_4k`), `%I` unescaped (`kselftest@net-forwarding`
          written with systemd-escape), `%f` as a path (`gitr@mnt-test` is
          /mnt/test).
        '';
      };
      resultsDir = lib.mkOption {
        type = lib.types.str;
        description = ''
          Where runs are filed, one directory per kernel release and run.
          The flow shares it from the host (the suite's automatic share);
          suite-run warns when it is not a share.
        '';
      };
      after = lib.mkOption {
        type = lib.types.listOf lib.types.str;
        default = [ ];
        description = "More units a run pulls in and waits for (a server the suite tests, say).";
      };
      environment = lib.mkOption {
        type = lib.types.attrsOf lib.types.str;
        default = { };
        description = "Environment of the runs (a tree's location, a config file).";
      };
      environmentFiles = lib.mkOption {
        type = lib.types.listOf lib.types.str;
        default = [ ];
        example = [ "-/var/lib/xfstests/check.env" ];
        description = ''
          systemd EnvironmentFile= entries read when a run starts (a `-`
          prefix: only if the file exists). What they set overrides
          `environment`, so the host can change a run without a rebuild.
        '';
      };
    };
  };
in
{
  imports = [ ./kernel-config.nix ];

  options.nixos-flake.testSuites.runners = lib.mkOption {
    type = lib.types.attrsOf runner;
    default = { };
    description = ''
      The suites' runner units, by unit name: each becomes the template
      `<name>@.service`. `systemctl start <name>@<instance>` runs the
      suite once; `journalctl -u <name>@<instance>` shows the run.
    '';
  };

  config = {
    systemd.tmpfiles.rules = lib.mapAttrsToList (
      _: unit: "d ${unit.resultsDir} 0755 root root -"
    ) cfg;

    systemd.services = lib.mapAttrs' (
      name: unit:
      lib.nameValuePair "${name}@" {
        description = "${unit.description} (%I)";
        after = [
          "local-fs.target"
          "remote-fs.target"
          "network-online.target"
          "systemd-tmpfiles-setup.service"
          "kernel-config.service"
        ]
        ++ unit.after;
        wants = [ "network-online.target" ] ++ unit.after;
        # The suites call whatever the guest has installed.
        path = [ "/run/current-system/sw" ];
        inherit (unit) environment;
        serviceConfig = {
          Type = "oneshot";
          ExecStart = lib.concatStringsSep " " [
            (lib.getExe pkgs.suite-runner)
            unit.suite
            unit.instance
            "--results"
            unit.resultsDir
          ];
          EnvironmentFile = unit.environmentFiles;
          TimeoutStartSec = "infinity";
          StandardOutput = "journal+console";
          StandardError = "journal+console";
          SyslogIdentifier = name;
        };
      }
    ) cfg;
  };
}
