# gitr: git's own regression test suite, built and run on the file system
# under test as the guest's user (kdevops' gitr workflow), by the runner
# unit `gitr@<directory>`: `systemctl start gitr@mnt-test` builds git in
# /mnt/test/gitr/git and runs its tests there.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.testSuites.gitr;
in
{
  imports = [
    ../../user
    ../common/fhs-paths.nix
    ../common/runner.nix
  ];

  options.nixos-flake.testSuites.gitr = {
    user = lib.mkOption {
      type = lib.types.str;
      default = config.nixos-flake.user.name;
      defaultText = lib.literalExpression "config.nixos-flake.user.name";
      description = ''
        Account that builds git and runs its tests (git's tests expect an
        unprivileged user). `gitr@<directory>` makes <directory>/gitr its.
      '';
    };
    jobs = lib.mkOption {
      type = lib.types.nullOr lib.types.ints.positive;
      default = null;
      description = "Parallel make jobs for the build and the tests; null: one per CPU.";
    };
  };

  config = {
    environment.systemPackages = with pkgs; [
      gitr
      git
      # git's t/ needs a POSIX shell, perl and python for its scripts and
      # helpers, and the usual text tools; prove for TAP runs by hand.
      bash
      coreutils
      diffutils
      findutils
      gnugrep
      gnused
      gnumake
      perl
      python3
      # Optional prerequisites several test groups look for.
      gnupg
      openssh
      unzip
      zip
    ];

    # Test scripts and helpers spell these out.
    nixos-flake.testSuites.fhsPaths = {
      "/bin/bash" = lib.getExe pkgs.bash;
      # Any perl will do; mmtests' perl with its modules wins when present.
      "/usr/bin/perl" = lib.mkDefault (lib.getExe pkgs.perl);
    };

    nixos-flake.testSuites.runners.gitr = {
      suite = "gitr";
      description = "git's test suite built and run in";
      instance = "%f";
      resultsDir = (import ../../contract.nix).testSuites.gitr.results;
      environment = {
        GITR_USER = cfg.user;
      }
      // lib.optionalAttrs (cfg.jobs != null) { GITR_JOBS = toString cfg.jobs; };
    };
  };
}
