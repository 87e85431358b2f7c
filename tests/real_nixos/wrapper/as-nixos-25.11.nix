# What nixos-25.11 answers, for each name the library touches that an older
# release answers differently. Applied only to trees older than 25.11; on
# 25.11 and later it changes nothing. Each entry says where 25.11 defines it.
final: prev:
if prev.lib.versionAtLeast prev.lib.trivial.release "25.11" then
  { }
else
  {
    # Added: perf is a top-level package since 2025-08-28
    # (pkgs/by-name/pe/perf/package.nix); linuxPackages.perf became a
    # warning alias to it (pkgs/os-specific/linux/kernel/linux-kernels.nix,
    # "linuxPackages.perf is now perf"). Before, it was only linuxPackages.perf.
    perf = prev.perf or prev.linuxPackages.perf;

    # Removed: pkgs/top-level/aliases.nix, "# Added 2025-05-17".
    dbench = throw "'dbench' has been removed as it is unmaintained for 14 years and broken";
  }
