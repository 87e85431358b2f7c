# The FHS paths the suites' scripts hard-code (#!/bin/bash, /usr/bin/timeout,
# ...), which NixOS does not have: each suite module names the ones it needs
# and why, and each becomes a link into the store at boot.
{ config, lib, ... }:

let
  cfg = config.nixos-flake.testSuites.fhsPaths;
in
{
  options.nixos-flake.testSuites.fhsPaths = lib.mkOption {
    type = lib.types.attrsOf lib.types.str;
    default = { };
    example = lib.literalExpression ''{ "/bin/bash" = "''${pkgs.bash}/bin/bash"; }'';
    description = ''
      Absolute paths the test suites call by name, each mapped to the program
      it should be. Each becomes a symbolic link created at boot (a
      systemd-tmpfiles `L+` rule, which also creates the parent directory).
      Two suites may name the same path as long as they agree on its target.
    '';
  };

  config.systemd.tmpfiles.rules = lib.mapAttrsToList (
    path: target: "L+ ${path} - - - - ${target}"
  ) cfg;
}
