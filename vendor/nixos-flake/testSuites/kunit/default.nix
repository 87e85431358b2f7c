# KUnit: the kernel's in-kernel unit tests. The tests come with the booted
# (external) kernel, as modules under /lib/modules/$(uname -r) that carry a
# .kunit_test_suites section; kunit-run loads them and files every suite's
# KTAP results, read from debugfs, with a summary. The kernel needs
# CONFIG_KUNIT=y and CONFIG_KUNIT_DEBUGFS=y, and its tests as modules
# (CONFIG_KUNIT_ALL_TESTS=m, or one CONFIG_*_KUNIT_TEST=m each).
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.testSuites.kunit;
in
{
  options.nixos-flake.testSuites.kunit = {
    resultsDir = lib.mkOption {
      type = lib.types.str;
      default = "/var/lib/kunit";
      description = ''
        Where kunit-run files each run's results:
        <resultsDir>/<kernel release>/<timestamp>/<suite>.ktap and
        summary.json (passed, failed and skipped cases per suite).
      '';
    };
  };

  config = {
    environment.systemPackages = with pkgs; [
      kunit-runner
      # Loading and inspecting modules by hand.
      kmod
    ];

    systemd.tmpfiles.rules = [ "d ${cfg.resultsDir} 0755 root root -" ];

    # `systemctl start kunit` loads every test module once and files the
    # results; its log is the run's summary.
    systemd.services.kunit = {
      description = "Run the booted kernel's KUnit tests";
      after = [ "systemd-tmpfiles-setup.service" ];
      serviceConfig = {
        Type = "oneshot";
        ExecStart = "${lib.getExe pkgs.kunit-runner} --results ${cfg.resultsDir}";
      };
    };
  };
}
