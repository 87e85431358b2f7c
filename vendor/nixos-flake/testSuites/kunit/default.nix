# KUnit: the kernel's in-kernel unit tests. The tests come with the booted
# (external) kernel, as modules under /lib/modules/$(uname -r) that carry a
# .kunit_test_suites section; the runner unit `kunit@<suite|all>` loads
# them with kunit-run and files every suite's KTAP results, read from
# debugfs, with a summary. The kernel needs
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
  imports = [ ../common/runner.nix ];

  options.nixos-flake.testSuites.kunit = {
    resultsDir = lib.mkOption {
      type = lib.types.str;
      default = (import ../../contract.nix).testSuites.kunit.results;
      description = ''
        Where `kunit@<suite|all>` files each run's results:
        <resultsDir>/<kernel release>/<timestamp>/<suite>.ktap,
        kunit.json (passed, failed and skipped cases per suite) and
        summary.json (suite-run's, one test per suite).
      '';
    };
  };

  config = {
    environment.systemPackages = with pkgs; [
      kunit-runner
      # Loading and inspecting modules by hand.
      kmod
    ];

    nixos-flake.testSuites.runners.kunit = {
      suite = "kunit";
      description = "KUnit tests of the booted kernel, suite";
      inherit (cfg) resultsDir;
    };
  };
}
