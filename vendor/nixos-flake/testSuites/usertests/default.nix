# usertests: the kernel's userspace test harnesses (tools/testing/radix-tree,
# with the XArray, IDR and maple tree tests, vma and memblock), built from the
# kernel tree under test shared into the guest and run there, as upstream
# kdevops-ng runs them, by the runner unit `usertests@<harness|all>`.
# usertests-run brings its own compiler, make and liburcu.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.testSuites.usertests;
in
{
  imports = [ ../common/runner.nix ];

  options.nixos-flake.testSuites.usertests = {
    kernelTree = lib.mkOption {
      type = lib.types.str;
      default = "/mnt/linux";
      example = "/home/you/linux";
      description = ''
        Where the kernel tree under test is in the guest (share it, e.g.
        guest.shares {"/mnt/linux": "linux"}); usertests-run builds the
        harnesses in its tools/testing/. Exported as USERTESTS_TREE.
      '';
    };
  };

  config = {
    environment.systemPackages = with pkgs; [
      usertests-runner
      # For building and debugging a harness by hand.
      gcc
      gnumake
      gdb
      liburcu
    ];

    environment.variables.USERTESTS_TREE = cfg.kernelTree;

    # Results: /var/lib/usertests/<kernel release>/<timestamp>/, shared from
    # the host (tag usertests) when the flow builds the guest.
    nixos-flake.testSuites.runners.usertests = {
      suite = "usertests";
      description = "the kernel's userspace test harnesses, harness";
      resultsDir = (import ../../contract.nix).testSuites.usertests.results;
      environment.USERTESTS_TREE = cfg.kernelTree;
    };
  };
}
