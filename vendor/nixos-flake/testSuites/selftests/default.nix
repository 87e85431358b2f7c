# Kernel selftests (tools/testing/selftests): the tests come with the kernel
# tree under test (built outside, shared in or installed with
# kselftest_install.sh); this module brings what they call at run time.
{ pkgs, ... }:

{
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

    # Where kselftest_install.sh output or a results log can go.
    systemd.tmpfiles.rules = [ "d /var/lib/kselftests 0755 root root -" ];
  };
}
