# A kernel developer's comfort: editors, debuggers, tracers, the mail and
# git tools of kernel work, and the storage, I/O and performance tools a
# test run is watched or driven with. Active as soon as it is imported.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.devel;
  profileDefault = lib.mkOverride 900;
  # Both VFIO back ends refuse a device whose MSIs the IOMMU cannot isolate
  # unless told otherwise: the type1 container
  # (drivers/vfio/vfio_iommu_type1.c) and iommufd
  # (drivers/iommu/iommufd/device.c), each with a module parameter
  # allow_unsafe_interrupts that is writable at run time (0644).
  unsafeInterruptModules = [
    "vfio_iommu_type1"
    "iommufd"
  ];
in
{
  imports = [ ../../kernel/module-parameters.nix ];

  options.nixos-flake.devel.vfioUnsafeInterrupts = lib.mkOption {
    type = lib.types.bool;
    default = true;
    example = false;
    description = ''
      Let VFIO hand a device to user space (SPDK, DPDK, xNVMe's vfio
      back end) when the IOMMU cannot remap its interrupts: the
      allow_unsafe_interrupts parameter of vfio_iommu_type1 and iommufd,
      set in modprobe.d for a modular kernel and written to
      /sys/module/<module>/parameters at boot for a built-in one. QEMU's
      virtio-iommu-pci and arm-smmuv3, and a guest with no vIOMMU at all
      (VFIO's no-IOMMU mode aside), offer no interrupt remapping, so
      without it binding a device to vfio-pci works but opening it fails.
      intel-iommu and amd-iommu with intremap=on (what kdevops-ng's QEMU
      template passes) remap and do not need it. On by default: the guest
      is a throwaway test VM whose passed-through devices are QEMU's own
      emulations, so the isolation given up protects nothing; it costs one
      modprobe.d line and two tmpfiles rules, no unit and no package.
    '';
  };

  config = {
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
        # Tracing and profiling. blktrace records block layer events
        # (blkparse, btt); cpupower reads and sets CPU frequency and idle
        # states (linuxPackages' build of the kernel's tools/power/cpupower,
        # which needs no kernel build; see the overlay's cpupower); powertop
        # finds what wakes the CPU; damo drives DAMON, the kernel's data
        # access monitor (the library's package, pkgs/damo).
        bpftrace
        bpftools
        trace-cmd
        perf
        blktrace
        cpupower
        powertop
        damo
        # Storage and I/O. fio is the overlay's build (overlays/fio.nix: its
        # io_uring exerciser as fio-io-uring, its storage tests and example
        # jobs under /run/current-system/sw/share/fio); nvme-cli and libnvme
        # for NVMe admin and passthrough commands; sg3_utils for SCSI
        # commands (sg_inq, sg_readcap, ...); xNVMe's tools (the library's
        # package, pkgs/xnvme); liburing's library and examples for io_uring
        # programs built by hand.
        fio
        nvme-cli
        libnvme
        sg3_utils
        xnvme
        liburing
        # Load and memory. stress-ng stresses CPU, memory, I/O and many
        # kernel interfaces; numactl (numactl, numastat) pins to NUMA nodes;
        # pagemon watches a process's pages; iperf (iperf3) measures network
        # throughput.
        stress-ng
        numactl
        pagemon
        iperf
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
      # libbpf-tools comes from the library's overlay (each tool also as
      # <tool>-libbpf, with symbolization); without it the profile still
      # evaluates.
      ++ lib.optional (pkgs ? libbpf-tools) pkgs.libbpf-tools;

    # fio's tests and example jobs (overlays/fio.nix) under
    # /run/current-system/sw/share/fio.
    environment.pathsToLink = [ "/share/fio" ];

    # Tab completion for the tools above (nvme, fio, git, ...), which ship
    # their bash-completion files. NixOS 26.05 turns it on by default
    # (nixos/modules/programs/bash/bash-completion.nix); the profile says so
    # too, so that a release changing that default does not take it away.
    programs.bash.completion.enable = lib.mkDefault true;

    # A module parameter of each (../../kernel/module-parameters.nix):
    # modprobe.d for a modular kernel, /sys/module at boot for a built-in one.
    nixos-flake.moduleParameters = lib.mkIf cfg.vfioUnsafeInterrupts (
      lib.genAttrs unsafeInterruptModules (_: {
        allow_unsafe_interrupts = "1";
      })
    );

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
  };
}
