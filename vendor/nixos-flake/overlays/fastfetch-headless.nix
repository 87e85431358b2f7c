# fastfetch for a headless guest: none of the optional libraries it can
# read desktops, GPUs, sound or images with (X11, Wayland, Vulkan, OpenCL,
# EGL, ImageMagick, chafa, PulseAudio, GLib and dconf, D-Bus, EFL, ...).
# fastfetch itself needs only libc and yyjson (fastfetch-cli/fastfetch#1712),
# plus libdrm to name a GPU without a display server; kdevops' collector
# (`fastfetch --format json`) reads nothing the others give.
#
# - NixOS 26.05: nixpkgs' own `fastfetch.minimal`, every switch off.
# - nixos-unstable (26.11): `fastfetch` became a `runCommand` wrapper around
#   `fastfetch-unwrapped`, which is built with every optional library and
#   has no switches, and `fastfetch.minimal` a warnOnInstantiate alias of it
#   (pkgs/by-name/fa/fastfetch/package.nix). Its build graph then reaches
#   gtk4, efl, imagemagick, zfs and rpm, about 565 derivations more (see
#   nixpkgs PR #519824's review of efl pulling in gtk, and issue #401717).
#   The same switches as 26.05's minimal build are set on
#   `fastfetch-unwrapped` here, and its build inputs cut to what they leave.
#   Chosen by whether `fastfetch-unwrapped` exists, not by release number.
{ prev }:
let
  inherit (prev) lib;
  # The CMake switches 26.05's fastfetch.minimal turns off.
  off = [
    "IMAGEMAGICK7"
    "CHAFA"
    "SQLITE3"
    "LIBZFS"
    "PULSE"
    "DDCUTIL"
    "DBUS"
    "EET"
    "ELF"
    "GIO"
    "DCONF"
    "ZLIB"
    "OPENCL"
    "EGL"
    "GLX"
    "RPM"
    "VULKAN"
    "WAYLAND"
    "XCB_RANDR"
    "XRANDR"
    "XFCONF"
  ];
in
if prev ? fastfetch-unwrapped then
  prev.fastfetch-unwrapped.overrideAttrs (old: {
    # What it is, whichever recipe builds it.
    pname = "fastfetch";
    buildInputs = [
      prev.yyjson
      prev.libdrm
    ];
    cmakeFlags =
      old.cmakeFlags
      ++ map (name: lib.cmakeBool "ENABLE_${name}" false) off
      ++ [
        (lib.cmakeBool "ENABLE_DRM" true)
        (lib.cmakeBool "ENABLE_DRM_AMDGPU" true)
      ];
  })
else
  prev.fastfetch.minimal
