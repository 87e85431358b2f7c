# fstests (xfstests): a current release built with everything its tests
# use, the packages its README lists, its test accounts, the FHS paths it
# hard-codes, the NFS and CIFS clients and an in-guest NFS server, and the
# runner unit `xfstests@<section>`.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.testSuites.fstests;
  xfstests = pkgs.xfstests;
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
        Contents of /etc/xfstests/local.config. When set, it is linked as
        /var/lib/xfstests/local.config (unless that path already holds a
        file of its own), which is where ./check looks for it. Each
        `[section]` is what `xfstests@<section>` runs.
      '';
    };
    checkArgs = lib.mkOption {
      type = lib.types.str;
      default = "-g auto";
      example = "-g quick -x dangerous";
      description = ''
        Arguments `xfstests@<section>` passes to ./check after
        `-s <section> -R xunit`: which tests to run.
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
      python3
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
    ];

    # common/ and tests/ call these by path: awk (helpers), bash (the
    # tests' shebangs, patched at build but also spelled in `su -s`),
    # perl and python3 (src/ helper scripts), time (src/scaleread.sh).
    nixos-flake.testSuites.fhsPaths = {
      "/bin/bash" = lib.getExe pkgs.bash;
      "/usr/bin/awk" = "${pkgs.gawk}/bin/awk";
      # Any perl will do; mmtests' perl with its modules wins when present.
      "/usr/bin/perl" = lib.mkDefault (lib.getExe pkgs.perl);
      "/usr/bin/python3" = lib.getExe pkgs.python3;
      "/usr/bin/time" = lib.getExe pkgs.time;
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
      resultsDir = "/var/lib/xfstests";
      after = [ "fstests-workdir.service" ];
      environment.FSTESTS_CHECK_ARGS = cfg.checkArgs;
    };

    # README step 6: useradd -m fsgqa; useradd 123456-fsgqa; useradd fsgqa2;
    # groupadd fsgqa. Each account gets the group of its name, as useradd
    # would make it.
    users.groups = {
      fsgqa = { };
      fsgqa2 = { };
      "123456-fsgqa" = { };
    };
    users.users = {
      fsgqa = {
        isNormalUser = true;
        group = "fsgqa";
        description = "fstests test user";
      };
      fsgqa2 = {
        isNormalUser = true;
        group = "fsgqa2";
        description = "fstests second test user";
      };
      "123456-fsgqa" = {
        isNormalUser = true;
        group = "123456-fsgqa";
        description = "fstests user whose name starts with digits";
      };
    };

    environment.etc."xfstests/local.config" = lib.mkIf (cfg.localConfig != "") {
      text = cfg.localConfig;
    };

    # `make install` upstream puts the suite in /var/lib/xfstests and it is
    # run from there; it writes results/ beside ./check and reads
    # local.config from the working directory. The store copy is read-only,
    # so build the same shape here: a writable directory whose entries link
    # to the package, as nixpkgs' own xfstests-check wrapper does in a
    # temporary directory.
    systemd.services.fstests-workdir = {
      description = "Link the fstests tree into /var/lib/xfstests";
      wantedBy = [ "multi-user.target" ];
      after = [ "systemd-tmpfiles-setup.service" ];
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
      };
      script = ''
        cd /var/lib/xfstests
        for entry in ${xfstests}/lib/xfstests/*; do
          name=$(basename "$entry")
          if [ ! -e "$name" ] || [ -L "$name" ]; then
            ln -sfn "$entry" "$name"
          fi
        done
        if [ -e /etc/xfstests/local.config ] && [ ! -e local.config ]; then
          ln -s /etc/xfstests/local.config local.config
        fi
      '';
    };
  };
}
