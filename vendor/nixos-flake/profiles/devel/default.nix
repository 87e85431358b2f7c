# A kernel developer's comfort: editors, debuggers, tracers and the mail and
# git tools of kernel work. Active as soon as it is imported.
{
  lib,
  pkgs,
  ...
}:

let
  profileDefault = lib.mkOverride 900;
in
{
  environment.systemPackages =
    with pkgs;
    [
      # Editors and terminal.
      vim
      emacs-nox
      tmux
      less
      # Debugging. crash comes from the library's overlay (pkgs/crash).
      gdb
      crash
      strace
      ltrace
      # Tracing and profiling.
      bpftrace
      bpftools
      trace-cmd
      perf
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
  # a test VM has nothing to hide from its developer. NixOS itself sets
  # kernel.kptr_restrict = mkDefault 1 (nixos/modules/config/sysctl.nix), and
  # two definitions at one priority clash, so these sit one step above
  # mkDefault: they win over NixOS's defaults and lose to any plain
  # definition and to the hardened profile (mkOverride 500).
  boot.kernel.sysctl = {
    "kernel.perf_event_paranoid" = profileDefault (-1);
    "kernel.kptr_restrict" = profileDefault 0;
  };
}
