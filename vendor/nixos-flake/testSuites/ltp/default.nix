# LTP: the Linux Test Project built from source, reachable at /opt/ltp as
# its documentation assumes, with the bin and daemon accounts its tests
# expect and the runner unit `ltp@<runtest>`, which runs kirk (runltp is a
# stub that exits 1 since LTP 20260529).
{
  lib,
  pkgs,
  ...
}:

{
  imports = [
    ../common/accounts.nix
    ../common/fhs-paths.nix
    ../common/runner.nix
  ];

  config = {
    environment.systemPackages = with pkgs; [
      ltp
      # kirk (the runner) and runltp need these at run time.
      python3
      bash
      coreutils
      gawk
      util-linux
      procps
      psmisc
      e2fsprogs
      xfsprogs
      btrfs-progs
      iproute2
      kmod
      acl
      attr
      keyutils
      numactl
      # LTP reads a gzip kernel config through zcat.
      gzip
    ];

    # INSTALL: "LTP assumes the existence of the nobody, bin, and daemon
    # users and their groups": common/accounts.nix (nobody is NixOS' own).

    # Shell tests with #!/bin/bash.
    nixos-flake.testSuites.fhsPaths."/bin/bash" = lib.getExe pkgs.bash;

    nixos-flake.testSuites.runners.ltp = {
      suite = "ltp";
      description = "LTP runtest file";
      resultsDir = (import ../../contract.nix).testSuites.ltp.results;
      environment.LTPROOT = "/opt/ltp";
    };

    # The documented install location; kirk reads LTPROOT.
    environment.variables.LTPROOT = "/opt/ltp";
    systemd.tmpfiles.rules = [
      "L+ /opt/ltp - - - - ${pkgs.ltp}"
    ];
  };
}
