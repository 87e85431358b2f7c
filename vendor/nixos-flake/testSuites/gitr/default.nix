# gitr: git's own regression test suite, run on the file system under test.
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
  options.nixos-flake.testSuites.gitr = {
    directory = lib.mkOption {
      type = lib.types.str;
      default = "/var/lib/gitr";
      example = "/mnt/test/gitr";
      description = ''
        Default directory `gitr` copies git's built tree into and runs the
        tests in (the GITR_DIR environment variable). Put it on the file
        system under test; a first argument to `gitr` overrides it.
      '';
    };
  };

  config = {
    environment.systemPackages = with pkgs; [
      gitr
      git
      # git's t/ needs a POSIX shell, perl and python for its scripts and
      # helpers, make to drive it, and the usual text tools.
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

    environment.variables.GITR_DIR = cfg.directory;

    systemd.tmpfiles.rules = [ "d ${cfg.directory} 0755 root root -" ];
  };
}
