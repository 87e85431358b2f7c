# One NixOS toplevel per backend, per profile and per test suite, each built
# on the imageless backend with the user module and the library's overlay,
# plus the featured default (devel, build-tools, monitoring and every
# suite). Attribute names are written out so that listing them never
# evaluates nixpkgs.
{
  self,
  nixpkgs,
  pkgs,
}:

let
  system = pkgs.stdenv.hostPlatform.system;

  toplevel =
    modules:
    (nixpkgs.lib.nixosSystem {
      specialArgs = {
        nixos-flake = self;
        inputs = {
          inherit nixpkgs;
          nixos-flake = self;
        };
      };
      modules = [
        { nixpkgs.hostPlatform = system; }
        self.nixosModules.backends.imageless
        self.nixosModules.user
        { nixpkgs.overlays = [ self.overlays.default ]; }
      ]
      ++ modules;
    }).config.system.build.toplevel;

  inherit (self.nixosModules) profiles testSuites;
in
{
  backend-imageless = toplevel [ ];

  profile-build-tools = toplevel [ profiles.build-tools ];
  profile-controller = toplevel [
    profiles.controller
    { nixos-flake.controller.enable = true; }
  ];
  profile-devel = toplevel [ profiles.devel ];
  profile-monitoring = toplevel [
    profiles.monitoring
    { nixos-flake.monitoring.enable = true; }
  ];

  suite-blktests = toplevel [ testSuites.blktests ];
  suite-fstests = toplevel [ testSuites.fstests ];
  suite-gitr = toplevel [ testSuites.gitr ];
  suite-kunit = toplevel [ testSuites.kunit ];
  suite-ltp = toplevel [ testSuites.ltp ];
  suite-mmtests = toplevel [ testSuites.mmtests ];
  suite-pynfs = toplevel [ testSuites.pynfs ];
  suite-selftests = toplevel [ testSuites.selftests ];
  suite-sysbench = toplevel [ testSuites.sysbench ];
  suite-usertests = toplevel [ testSuites.usertests ];

  mounts-shares = toplevel [
    self.nixosModules.mounts.shares
    {
      nixos-flake.shares = {
        "/mnt/linux".tag = "linux";
        "/mnt/results" = {
          tag = "results";
          options = [ "nofail" ];
        };
      };
    }
  ];

  # Two disks: one formatted by the module's own unit, one by NixOS's
  # systemd-makefs, both mounted nofail.
  mounts-storage = toplevel [
    self.nixosModules.mounts.storage
    {
      nixos-flake.storage = {
        "/mnt/scratch" = {
          device = "/dev/vdb";
          fsType = "xfs";
          mkfsArgs = [
            "-b"
            "size=4096"
          ];
        };
        "/mnt/test" = {
          device = "/dev/vdc";
          fsType = "ext4";
          autoFormat = true;
          options = [ "noatime" ];
        };
      };
    }
  ];

  featured = toplevel [
    self.nixosModules.default
    { nixos-flake.monitoring.enable = true; }
  ];
}
