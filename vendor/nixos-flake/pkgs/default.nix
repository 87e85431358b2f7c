# Packages the test suites and profiles need that nixpkgs does not carry.
# The attribute names are written out by hand (no filterAttrs, no readDir)
# so that flake.nix and the overlay can list them without evaluating
# nixpkgs.
{ pkgs }:
{
  blktests = pkgs.callPackage ./blktests { };
  crash = pkgs.callPackage ./crash { };
  damo = pkgs.callPackage ./damo { };
  gitr = pkgs.callPackage ./gitr { };
  kunit-runner = pkgs.callPackage ./kunit-runner { };
  ltp = pkgs.callPackage ./ltp { };
  mmtests = pkgs.callPackage ./mmtests { };
  nfstest = pkgs.callPackage ./nfstest { };
  pynfs = pkgs.callPackage ./pynfs { };
  suite-runner = pkgs.callPackage ./suite-runner { };
  usertests-runner = pkgs.callPackage ./usertests-runner { };
  xnvme = pkgs.callPackage ./xnvme { };
}
