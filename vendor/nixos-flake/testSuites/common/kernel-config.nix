# Makes the booted kernel's build configuration visible to the suites. The
# external kernel's build side should copy its .config to
# /lib/modules/<release>/config (the host's modules share); at boot,
# `kernel-config --link` links /boot/config-<release> to it (blktests looks
# only there and in /proc/config.gz), and login shells get KCONFIG_PATH
# (LTP, fstests). With no config anywhere, it derives /boot/config-<release>
# from the autoconf.h of a kernel-devel-<release> tree in the mounted store
# (kdevops-ng publishes one). suite-run finds it the same way for the units,
# and says at the start of every run what the kernel side must add when
# there is none.
{ lib, pkgs, ... }:

{
  config = {
    environment.systemPackages = [ pkgs.suite-runner ];

    systemd.services.kernel-config = {
      description = "Link or derive the booted kernel's config at /boot/config-<release>";
      wantedBy = [ "multi-user.target" ];
      after = [ "local-fs.target" ];
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        # A kernel without a findable config is not an error of the guest:
        # the message is in the journal, and suite-run repeats it.
        SuccessExitStatus = [ 1 ];
        ExecStart = "${lib.getExe' pkgs.suite-runner "kernel-config"} --link";
      };
    };

    environment.extraInit = ''
      if [ -z "''${KCONFIG_PATH-}" ] && [ -r "/boot/config-$(uname -r)" ]; then
        export KCONFIG_PATH="/boot/config-$(uname -r)"
      fi
    '';
  };
}
