# A kernel developer's comfort: editors, debuggers, tracers and the mail and
# git tools of kernel work. Active as soon as it is imported.
{
  lib,
  pkgs,
  ...
}:

{
  environment.systemPackages =
    with pkgs;
    [
      # Editors and terminal.
      vim
      emacs-nox
      tmux
      less
      # Debugging.
      gdb
      crash
      strace
      ltrace
      # Tracing and profiling.
      bpftrace
      bpftools
      trace-cmd
      (pkgs.perf or linuxPackages.perf)
      # Patches and mail.
      git
      b4
      patchutils
      # Finding one's way around a tree.
      cscope
      universal-ctags
      ripgrep
      # Looking at the machine.
      htop
      lsof
      file
      tree
      jq
      pciutils
      usbutils
      ethtool
      iproute2
      kmod
      keyutils
      man-pages
      python3
      rsync
      curl
    ]
    # libbpf-tools comes from the library's overlay; without it the profile
    # still evaluates.
    ++ lib.optional (pkgs ? libbpf-tools) pkgs.libbpf-tools;

  # Let the unprivileged user read kernel addresses and use perf events:
  # a test VM has nothing to hide from its developer.
  boot.kernel.sysctl = {
    "kernel.perf_event_paranoid" = lib.mkDefault (-1);
    "kernel.kptr_restrict" = lib.mkDefault 0;
  };
}
