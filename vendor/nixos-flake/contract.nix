# What the library promises the f/nix/build flow, as data. Plain values, so
# that `nix eval --json --file contract.nix` reads it with builtins alone (no
# nixpkgs, no network). The library's own modules read it, and
# dev/generate-contract writes the flow's side from it
# (f/nix/common/library_contract.py and flow-contract.json); a test fails
# when either differs from what this file says. Change a fact here, run
# dev/generate-contract, and raise `version` when the flow's steps come to
# depend on something new of the library.
{
  # 2: nixosModules.mounts.storage. 3: lib.sourceVersion, and this file.
  version = 3;

  # nixosModules.profiles.<name>, each with
  #   featured: selected when the flow is given no profiles;
  #   enable:   the option that must be set besides importing it, if any;
  #   results:  where it files results in the guest, if anywhere.
  profiles = {
    build-tools = {
      featured = true;
    };
    # A host role (libvirtd in the guest): available, never featured.
    controller = {
      featured = false;
      enable = [
        "nixos-flake"
        "controller"
        "enable"
      ];
    };
    devel = {
      featured = true;
    };
    monitoring = {
      featured = true;
      enable = [
        "nixos-flake"
        "monitoring"
        "enable"
      ];
      # Each run under runs/<run-id> (the profile's outputDir).
      results = "/var/lib/monitoring";
    };
  };

  # nixosModules.testSuites.<name>: every suite is featured, and each files
  # its results under `results` (fstests also keeps its local.config and
  # check.env there).
  testSuites = {
    blktests = {
      featured = true;
      results = "/var/lib/blktests";
    };
    fstests = {
      featured = true;
      results = "/var/lib/xfstests";
    };
    gitr = {
      featured = true;
      results = "/var/lib/gitr";
    };
    kunit = {
      featured = true;
      results = "/var/lib/kunit";
    };
    ltp = {
      featured = true;
      results = "/var/lib/ltp";
    };
    mmtests = {
      featured = true;
      results = "/var/lib/mmtests";
    };
    pynfs = {
      featured = true;
      results = "/var/lib/pynfs";
    };
    selftests = {
      featured = true;
      results = "/var/lib/kselftests";
    };
    sysbench = {
      featured = true;
      results = "/var/lib/sysbench";
    };
    usertests = {
      featured = true;
      results = "/var/lib/usertests";
    };
  };

  # A selected suite's or profile's results directory is shared from the
  # host under the suite's or profile's name as virtiofs tag, as upstream
  # kdevops-ng does, so that results outlive the tmpfs root. nofail: a host
  # that does not serve the tag leaves the directory on tmpfs instead of
  # stopping the boot.
  resultShareOptions = [ "nofail" ];

  # What the imageless backend mounts itself: the host's store and the
  # external kernel's modules over virtiofs (mount point = tag), on a tmpfs
  # root. No other mount may be at these or beneath the last two.
  backend = {
    shares = {
      "/nix/store" = "store";
      "/lib/modules" = "modules";
    };
    reservedMountPoints = [
      "/"
      "/nix"
      "/nix/store"
      "/lib/modules"
    ];
    reservedMountPrefixes = [
      "/nix/"
      "/lib/modules/"
    ];
  };

  # File systems a nixos-flake.storage entry may hold: those NixOS 26.05
  # formats and mounts with its own tools (system.fsPackages) and the
  # kernel's own modules. ZFS and bcachefs are left out: they bring
  # out-of-tree modules (boot.extraModulePackages), which the external
  # kernel cannot take.
  storageFileSystems = [
    "btrfs"
    "ext2"
    "ext3"
    "ext4"
    "f2fs"
    "vfat"
    "xfs"
  ];

  # Accounts the guest creates itself (NixOS, its services, the suites and
  # profiles), which the login user must not be named after: NixOS refuses
  # two users of one name. tests/real_nixos reads them off evaluated guests.
  reservedUsers = {
    names = [
      "root"
      "nobody"
      "sshd"
      "messagebus"
      "dhcpcd"
      "nscd"
      "rpc"
      "polkituser"
      "node-exporter"
      "qemu-libvirtd"
      # fstests' and LTP's accounts.
      "fsgqa"
      "fsgqa2"
      "bin"
      "daemon"
      # sysbench's MariaDB and PostgreSQL.
      "mysql"
      "postgres"
    ];
    prefixes = [
      "nixbld"
      "systemd-"
    ];
  };

  # A source override of package <pkg> is the per-VM flake's input
  # <pkg><sourceInputSuffix>, given to lib.sourceVersion.
  sourceInputSuffix = "-src";
}
