# Block devices the guest mounts (a scratch disk for fstests, an NVMe
# namespace for blktests), keyed by the guest mount point, each optionally
# formatted once when it is blank. The option names and their meaning are
# upstream kdevops-ng's nixos-flake.storage; `nofail` is ours.
#
# The guest's root is a tmpfs, so nothing survives a boot but what is on the
# disk itself: a device is formatted only while it holds no signature at all
# (file system, RAID member, partition table), and never again after that.
{
  config,
  lib,
  pkgs,
  utils,
  ...
}:

let
  cfg = config.nixos-flake.storage;

  contract = import ../../contract.nix;

  # Mounted by the imageless backend itself (backends/imageless/filesystems.nix),
  # or beneath what it mounts.
  inherit (contract.backend) reservedMountPoints reservedMountPrefixes;
  isReserved =
    mountPoint:
    lib.elem mountPoint reservedMountPoints
    || lib.any (prefix: lib.hasPrefix prefix mountPoint) reservedMountPrefixes;

  # nixos-flake.shares exists only when mounts/shares is imported too.
  shares = config.nixos-flake.shares or { };

  formats = drive: drive.mkfsArgs != [ ] || drive.autoFormat;

  problems =
    mountPoint: drive:
    lib.optional (!lib.hasPrefix "/" mountPoint) "the mount point must be an absolute path"
    ++ lib.optional (isReserved mountPoint) (
      "the imageless backend mounts ${lib.concatStringsSep ", " reservedMountPoints} itself; "
      + "pick a mount point outside them"
    )
    ++ lib.optional (shares ? ${mountPoint}) (
      "nixos-flake.shares mounts a virtiofs share there already; one mount point, one file system"
    )
    ++ lib.optional (drive.autoFormat && drive.mkfsArgs != [ ]) (
      "autoFormat and mkfsArgs are mutually exclusive; pick one"
    )
    ++ lib.optional (formats drive && !lib.hasPrefix "/dev/" drive.device) (
      "formatting needs the device as a /dev/ path (a blank device has no UUID or LABEL yet), "
      + "not ${drive.device}"
    );

  # Entries with a problem get no fileSystems entry and no unit, so that the
  # assertion below, which names the mount point, is what the user reads
  # rather than a clash between two definitions of fileSystems.<path>.device.
  valid = lib.filterAttrs (mountPoint: drive: problems mountPoint drive == [ ]) cfg;

  mountUnit = mountPoint: "${utils.escapeSystemdPath mountPoint}.mount";
  deviceUnit = device: "${utils.escapeSystemdPath device}.device";

  formatUnit =
    mountPoint: drive:
    let
      escapedDevice = utils.escapeSystemdPath drive.device;
    in
    {
      # Upstream's unit name, so `systemctl status format-dev-vdb` is the same.
      name = "format-${escapedDevice}";
      value = {
        description = "Format ${drive.device} as ${drive.fsType} for ${mountPoint} if it is blank";
        # requiredBy, not wantedBy: when mkfs fails, the mount does not go on to
        # fail on a blank device with a less telling error. A skipped condition
        # (the device is not blank) is not a failure and lets the mount run.
        requiredBy = [ (mountUnit mountPoint) ];
        # Before fsck too: systemd-fstab-generator orders systemd-fsck@<device>
        # before the mount for every entry with a pass number (ext4, xfs).
        before = [
          (mountUnit mountPoint)
          "systemd-fsck@${escapedDevice}.service"
        ];
        requires = [ (deviceUnit drive.device) ];
        after = [ (deviceUnit drive.device) ];
        # A mount of local-fs.target runs before sysinit.target, which every
        # service with default dependencies is ordered after: a cycle otherwise.
        unitConfig.DefaultDependencies = false;
        conflicts = [ "shutdown.target" ];
        # mkfs runs mkfs.<type>, which a unit's default PATH lacks: give it the
        # same tools NixOS gives its own systemd-makefs@ (nixos/modules/system/
        # boot/systemd.nix, systemd.services."systemd-makefs@".path).
        path = [ pkgs.util-linux ] ++ config.system.fsPackages;
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          # blkid --probe exits 2 when it finds no signature of any kind, 0 when
          # it finds one and 8 when it finds several (ambivalent). Only 2
          # formats; anything else skips the unit (ExecCondition exit 1), so a
          # device holding another file system than fsType is left as it is
          # and its mount fails on the type instead.
          ExecCondition = pkgs.writeShellScript "storage-blank-${escapedDevice}" ''
            device=${lib.escapeShellArg drive.device}
            ${pkgs.util-linux}/bin/blkid --probe "$device"
            status=$?
            case $status in
              2) exit 0 ;;
              0) echo "not formatting $device: blkid found a signature on it" ;;
              *) echo "not formatting $device: blkid --probe exited $status" ;;
            esac
            exit 1
          '';
          ExecStart = utils.escapeSystemdExecArgs (
            [
              "${pkgs.util-linux}/bin/mkfs"
              "--type"
              drive.fsType
            ]
            ++ drive.mkfsArgs
            ++ [ drive.device ]
          );
        };
      };
    };

  driveType = lib.types.submodule {
    options = {
      device = lib.mkOption {
        type = lib.types.nonEmptyStr;
        example = "/dev/vdb";
        description = ''
          The block device, as mount(8) takes it. Give a `/dev/` path
          (`/dev/vdb`, `/dev/disk/by-id/...`) to have it formatted:
          a blank device has no UUID or LABEL to name it by.
        '';
      };

      fsType = lib.mkOption {
        type = lib.types.enum contract.storageFileSystems;
        example = "xfs";
        description = ''
          The file system type, passed to mount(8) and to
          `mkfs --type`. NixOS adds its tools (`boot.supportedFilesystems`).
          Only file systems whose modules come with the kernel: ZFS and
          bcachefs need out-of-tree modules, which the external kernel
          cannot take.
        '';
      };

      options = lib.mkOption {
        type = lib.types.listOf lib.types.str;
        default = [ ];
        example = [
          "noatime"
          "discard"
        ];
        description = ''
          Mount options besides the ones this module adds (`nofail`
          and NixOS's `x-systemd.makefs`).
        '';
      };

      mkfsArgs = lib.mkOption {
        type = lib.types.listOf lib.types.str;
        default = [ ];
        example = [
          "-b"
          "size=16k"
          "-s"
          "size=16k"
        ];
        description = ''
          Arguments of `mkfs --type <fsType> ... <device>`, run by the
          unit `format-<device>` before the mount while `blkid --probe`
          finds nothing on the device. Empty: no such unit. Mutually
          exclusive with {option}`autoFormat`.
        '';
      };

      autoFormat = lib.mkOption {
        type = lib.types.bool;
        default = false;
        description = ''
          Set {option}`fileSystems.<path>.autoFormat`: NixOS's
          systemd-makefs formats a device holding no file system with
          mkfs's defaults (NixOS removed `formatOptions`; use
          {option}`mkfsArgs` for options). Mutually exclusive with
          {option}`mkfsArgs`.
        '';
      };

      nofail = lib.mkOption {
        type = lib.types.bool;
        default = true;
        description = ''
          Mount with `nofail`: a device that does not appear (not
          attached, or a kernel under test that breaks its driver)
          fails only its own mount after systemd's device timeout,
          and the guest still boots to SSH. The mount point is then
          not created, so nothing writes to the tmpfs root by
          mistake. False makes the mount part of `local-fs.target`,
          which puts a guest without the device in emergency mode.
        '';
      };
    };
  };
in
{
  options.nixos-flake.storage = lib.mkOption {
    type = lib.types.attrsOf driveType;
    default = { };
    example = {
      "/mnt/scratch" = {
        device = "/dev/vdb";
        fsType = "xfs";
        mkfsArgs = [
          "-m"
          "reflink=1"
        ];
      };
      "/mnt/test" = {
        device = "/dev/vdc";
        fsType = "ext4";
        autoFormat = true;
      };
    };
    description = ''
      Block devices to mount, keyed by absolute guest mount point. Each
      becomes a `fileSystems` entry; systemd creates the mount point on
      the tmpfs root when it mounts. A device with neither
      {option}`mkfsArgs` nor {option}`autoFormat` must hold its file
      system already.
    '';
  };

  config = {
    assertions = lib.concatLists (
      lib.mapAttrsToList (
        mountPoint: drive:
        map (problem: {
          assertion = false;
          message = "nixos-flake.storage.\"${mountPoint}\": ${problem}.";
        }) (problems mountPoint drive)
      ) cfg
    );

    fileSystems = lib.mapAttrs (_mountPoint: drive: {
      inherit (drive) device fsType autoFormat;
      # fileSystems.<name>.options must not be empty; leave its default then.
      options = lib.mkIf (drive.options != [ ] || drive.nofail) (
        drive.options ++ lib.optional drive.nofail "nofail"
      );
    }) valid;

    systemd.services = lib.listToAttrs (
      lib.mapAttrsToList formatUnit (lib.filterAttrs (_: drive: drive.mkfsArgs != [ ]) valid)
    );
  };
}
