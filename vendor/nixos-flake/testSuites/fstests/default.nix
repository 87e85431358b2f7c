# fstests (xfstests): the suite from nixpkgs, the packages its README lists,
# its test users and group, and /var/lib/xfstests as the place to run it.
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
  options.nixos-flake.testSuites.fstests = {
    localConfig = lib.mkOption {
      type = lib.types.lines;
      default = "";
      example = ''
        export FSTYP=xfs
        export TEST_DEV=/dev/vdb
        export TEST_DIR=/mnt/test
        export SCRATCH_DEV=/dev/vdc
        export SCRATCH_MNT=/mnt/scratch
      '';
      description = ''
        Contents of /etc/xfstests/local.config. When set, it is linked as
        /var/lib/xfstests/local.config (unless that path already holds a
        file of its own), which is where ./check looks for it.
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
    ];

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
    systemd.tmpfiles.rules = [
      "d /var/lib/xfstests 0755 root root -"
      "d /var/lib/xfstests/results 0755 root root -"
    ];

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
