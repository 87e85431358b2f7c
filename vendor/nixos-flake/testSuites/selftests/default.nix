# Kernel selftests (tools/testing/selftests): the tests come with the kernel
# under test, installed on the host (make -C tools/testing/selftests install)
# into the selftests share at <kernel release>/tree; this module brings what
# they call at run time, the paths their runner hard-codes, and the runner
# unit `kselftest@<collection>`.
{ lib, pkgs, ... }:

{
  imports = [
    ../common/fhs-paths.nix
    ../common/runner.nix
  ];

  config = {
    environment.systemPackages = with pkgs; [
      # run_kselftest.sh and kselftest/runner.sh.
      bash
      coreutils
      findutils
      gawk
      gnugrep
      gnused
      perl
      python3
      util-linux
      kmod
      # net/, drivers/net/: addresses, links, traffic and captures.
      iproute2
      iputils
      ethtool
      socat
      netcat-openbsd
      tcpdump
      iptables
      nftables
      jq
      # bpf/, tc-testing/, ftrace/, tracing/.
      bpftools
      trace-cmd
      # mm/, cgroup/, numa and capability tests.
      numactl
      libcap
      keyutils
      e2fsprogs
      bc
    ];

    # kselftest/runner.sh runs tests under /usr/bin/timeout only if it
    # exists (otherwise with no timeout at all), module.sh calls
    # /sbin/modprobe (otherwise every module test skips), and many tests
    # are #!/bin/bash.
    nixos-flake.testSuites.fhsPaths = {
      "/bin/bash" = lib.getExe pkgs.bash;
      "/usr/bin/timeout" = "${pkgs.coreutils}/bin/timeout";
      "/sbin/modprobe" = "${pkgs.kmod}/bin/modprobe";
      "/usr/bin/perl" = lib.mkDefault (lib.getExe pkgs.perl);
    };

    # Collections with a '/' are written with systemd-escape:
    # kselftest@$(systemd-escape net/forwarding).
    nixos-flake.testSuites.runners.kselftest = {
      suite = "kselftest";
      description = "kernel selftests collection";
      instance = "%I";
      resultsDir = (import ../../contract.nix).testSuites.selftests.results;
    };
  };
}
