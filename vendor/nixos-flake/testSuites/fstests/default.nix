# fstests (xfstests): a current release built with everything its tests
# use, the packages its README lists and those individual tests ask for,
# its test accounts, the FHS paths it hard-codes, the NFS and CIFS clients
# and an in-guest NFS server, and the runner unit `xfstests@<section>`.
#
# The unit keeps the contract upstream kdevops-ng's f/fstests flows drive
# the guest by (the header of their f/fstests/common.py, at 336b37a): the
# tree at /usr/lib/xfstests; the host's `fstests` share at
# /var/lib/xfstests holding local.config and check.env, the unit's
# EnvironmentFile (HOST_OPTIONS, XFSTESTS_CHECK_ARGS); each run's report at
# /var/lib/xfstests/<kernel release>/results/<section>/result.xml.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.testSuites.fstests;
  xfstests = pkgs.xfstests;
  # The host's share; what the host writes there for a run.
  stateDir = (import ../../contract.nix).testSuites.fstests.results;
  checkEnv = "${stateDir}/check.env";
  bugOnAssert = "/sys/fs/xfs/debug/bug_on_assert";
in
{
  imports = [
    ../common/accounts.nix
    ../common/fhs-paths.nix
    ../common/nfs-server.nix
    ../common/runner.nix
  ];

  options.nixos-flake.testSuites.fstests = {
    localConfig = lib.mkOption {
      type = lib.types.lines;
      default = "";
      example = ''
        [xfs]
        FSTYP=xfs
        TEST_DEV=/dev/vdb
        TEST_DIR=/mnt/test
        SCRATCH_DEV=/dev/vdc
        SCRATCH_MNT=/mnt/scratch

        [nfs]
        FSTYP=nfs
        TEST_DEV=localhost:/export/test
        TEST_DIR=/mnt/nfs-test
        SCRATCH_DEV=localhost:/export/scratch
        SCRATCH_MNT=/mnt/nfs-scratch
      '';
      description = ''
        Contents of /etc/xfstests/local.config, the sections a run uses when
        the host gives none: a run reads HOST_OPTIONS from ${checkEnv}
        first, then ${stateDir}/local.config (both written by the host on
        its share), then this file. Each `[section]` is what
        `xfstests@<section>` runs.
      '';
    };
    checkArgs = lib.mkOption {
      type = lib.types.str;
      default = "-g auto";
      example = "-g quick -x dangerous";
      description = ''
        Arguments `xfstests@<section>` passes to ./check after
        `-s <section> -R xunit` (XFSTESTS_CHECK_ARGS): which tests to run.
        XFSTESTS_CHECK_ARGS in ${checkEnv} replaces them for a run.
      '';
    };
    xfsBugOnAssert = lib.mkOption {
      type = lib.types.bool;
      default = false;
      description = ''
        What ${bugOnAssert} is set to at boot, on a kernel built with
        CONFIG_XFS_DEBUG. Upstream's default (true, and
        CONFIG_XFS_ASSERT_FATAL) panics the guest at the first failed XFS
        assertion and loses the rest of the run; false makes each one a
        warning in the kernel log, which fstests reports against the test
        that triggered it. The tests written to trigger an assertion
        (generic/618, xfs/098, xfs/115 and xfs/439:
        `_require_no_xfs_bug_on_assert`) are not run while it is fatal.
      '';
    };
    accountIds = lib.mkOption {
      type = lib.types.attrsOf (lib.types.ints.between 1000 2147483647);
      default = {
        fsgqa = 1501;
        fsgqa2 = 1502;
        "123456-fsgqa" = 123456;
      };
      description = ''
        UID of each fstests test account, which is also the GID of the
        group of its name. Fixed so that files and quotas a run leaves on a
        TEST_DEV that outlives the guest keep their owners when the next
        guest has other users. The names are fstests' README's.
      '';
    };
  };

  config = {
    environment.systemPackages = with pkgs; [
      xfstests
      # README, "necessary packages" (Debian, Fedora and SUSE lists), except
      # dbench: nixpkgs removed it (25.05, unmaintained and broken) and its
      # last release that fstests can drive (4.00, 2013) no longer builds
      # with current compilers. Its one user, generic/241, reports
      # "dbench not found" and is not run.
      acl
      attr
      automake
      bc
      duperemove
      dump
      e2fsprogs
      fio
      gawk
      gcc
      git
      gnumake
      gnused
      indent
      libaio
      libcap
      libtool
      liburing
      linuxquota
      lvm2
      psmisc
      sqlite
      util-linux
      xfsprogs
      # README, file system tools.
      btrfs-progs
      exfatprogs
      f2fs-tools
      udftools
      xfsdump
      # README, optional systemd coredump capture.
      jq
      # Used throughout common/: keyctl, fsverity, killall, which.
      keyutils
      fsverity-utils
      killall
      which
      # Network file system clients for nfs and cifs sections.
      nfs-utils
      cifs-utils
      # What single tests ask for by name, each skipped without it:
      # checkbashisms (xfs/446), thin_check and friends (the dm-thin tests
      # generic/347 and generic/405), accton (generic/596).
      checkbashisms
      thin-provisioning-tools
      acct
      # The python3 on PATH imports dbus: xfs/802 runs xfs_scrub_all, which
      # talks to systemd over D-Bus, and is skipped when `python3 -c 'import
      # dbus'` fails. High priority, so that it is the python3 on PATH
      # whichever other suite brings a plain one.
      (lib.hiPrio (python3.withPackages (ps: [ ps.dbus-python ])))
    ];

    # `man` and the installed packages' manual pages: xfs/293, xfs/449,
    # xfs/505, xfs/506, xfs/514 and xfs/515 check that each xfs_io,
    # xfs_db, xfs_spaceman and mkfs option is documented, and fail without
    # the pages. The guest turns documentation off otherwise.
    documentation.enable = true;
    documentation.man.enable = true;

    # xfsprogs' own units (xfs_scrub@, xfs_scrub_all and their timers, in
    # its `out` output), which xfs/802 and the scrub tests look up with
    # `_require_systemd_unit_defined`; nothing enables them.
    systemd.packages = [ pkgs.xfsprogs.out ];

    # loop: losetup in the tests that build file systems on image files;
    # xfs: loaded at boot, so that its debug knob exists to be set below.
    boot.kernelModules = [
      "loop"
      "xfs"
    ];

    systemd.services.xfs-bug-on-assert = {
      description = "Set XFS's bug_on_assert for fstests";
      wantedBy = [ "multi-user.target" ];
      after = [ "systemd-modules-load.service" ];
      # Only kernels built with CONFIG_XFS_DEBUG have the knob.
      unitConfig.ConditionPathExists = bugOnAssert;
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
      };
      script = "echo ${if cfg.xfsBugOnAssert then "1" else "0"} > ${bugOnAssert}";
    };

    # common/ and tests/ call these by path: awk (helpers), bash (the
    # tests' shebangs, patched at build but also spelled in `su -s`),
    # perl and python3 (src/ helper scripts), time (src/scaleread.sh).
    nixos-flake.testSuites.fhsPaths = {
      "/bin/bash" = lib.getExe pkgs.bash;
      "/usr/bin/awk" = "${pkgs.gawk}/bin/awk";
      # Any perl will do; mmtests' perl with its modules wins when present.
      "/usr/bin/perl" = lib.mkDefault (lib.getExe pkgs.perl);
      # The python3 on PATH, with dbus (above).
      "/usr/bin/python3" = "/run/current-system/sw/bin/python3";
      "/usr/bin/time" = lib.getExe pkgs.time;
      # Where distributions install the tree, and where kdevops-ng's
      # f/fstests/discover looks for ./check.
      "/usr/lib/xfstests" = "${xfstests}/lib/xfstests";
      # xfsprogs keeps xfs_healer there, outside PATH; fstests' common/config
      # looks for it there when PATH has none (xfs/657 to xfs/664, xfs/667).
      "/usr/libexec/xfsprogs" = "${pkgs.xfsprogs.out}/libexec/xfsprogs";
    };

    # mount.cifs for cifs sections (the NFS client comes with the server
    # module below).
    boot.supportedFilesystems = [ "cifs" ];

    # localhost:/export/test and /export/scratch for NFS sections (mount a
    # disk on each to test over a real file system).
    nixos-flake.testSuites.nfsServer.exports = [
      "/export/test"
      "/export/scratch"
    ];

    nixos-flake.testSuites.runners.xfstests = {
      suite = "fstests";
      description = "fstests section";
      resultsDir = stateDir;
      environment.XFSTESTS_CHECK_ARGS = cfg.checkArgs;
      # Optional: a guest the host gives no check.env runs localConfig.
      environmentFiles = [ "-${checkEnv}" ];
    };

    # README step 6: useradd -m fsgqa; useradd 123456-fsgqa; useradd fsgqa2;
    # groupadd fsgqa. Each account gets the group of its name, as useradd
    # would make it, with the ids of accountIds.
    users.groups = lib.mapAttrs (_: id: { gid = id; }) cfg.accountIds;
    users.users = lib.mapAttrs (name: id: {
      isNormalUser = true;
      uid = id;
      group = name;
      description = "fstests test user";
    }) cfg.accountIds;

    environment.etc."xfstests/local.config" = lib.mkIf (cfg.localConfig != "") {
      text = cfg.localConfig;
    };
  };
}
