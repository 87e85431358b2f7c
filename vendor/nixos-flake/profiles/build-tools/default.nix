# What it takes to build a kernel and the test tools inside the guest.
# Active as soon as it is imported.
{
  lib,
  pkgs,
  ...
}:

{
  environment.systemPackages =
    with pkgs;
    [
      # Toolchains. gcc and clang both provide cc, c++ and cpp; gcc wins.
      (lib.hiPrio gcc)
      binutils
      clang
      lld
      llvm
      gnumake
      # Kernel build requirements (Documentation/process/changes.rst).
      flex
      bison
      bc
      perl
      python3
      elfutils
      openssl
      pahole
      cpio
      kmod
      rsync
      ncurses
      zlib
      # Compression used by kernel images, modules and initramfs.
      gzip
      bzip2
      xz
      zstd
      lz4
      # Static checkers and build caches.
      sparse
      coccinelle
      ccache
      # Build systems of the test tools.
      pkg-config
      autoconf
      automake
      libtool
      m4
      gettext
      cmake
      meson
      ninja
      git
    ]
    # Headers and pkg-config files of the libraries a kernel and the test
    # tools build against. Only these: environment.extraOutputsToInstall =
    # [ "dev" ] would install the dev output of every package in the guest.
    ++ map lib.getDev [
      elfutils
      openssl
      ncurses
      zlib
      xz
      zstd
      bzip2
      lz4
      kmod
    ];

  # Where a compiler run by hand (not inside a Nix build) finds the headers
  # installed above: NixOS links no /include into the system path by
  # default (nixos/modules/config/system-path.nix, environment.pathsToLink).
  environment.pathsToLink = [ "/include" ];
  environment.sessionVariables = {
    C_INCLUDE_PATH = lib.mkDefault [ "/run/current-system/sw/include" ];
    LIBRARY_PATH = lib.mkDefault [ "/run/current-system/sw/lib" ];
    PKG_CONFIG_PATH = lib.mkDefault [
      "/run/current-system/sw/lib/pkgconfig"
      "/run/current-system/sw/share/pkgconfig"
    ];
  };
}
