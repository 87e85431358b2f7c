# cpupower as a top-level package. nixpkgs has it only in the kernel package
# sets (pkgs/os-specific/linux/cpupower, linuxPackages.cpupower), built from
# the kernel's source tree (tools/power/cpupower) with the kernel's patches;
# no kernel is built. At the top level it is a name a source override can
# take (`{"pkg": "cpupower", "src": <a kernel tree>}`), so that cpupower
# matches the kernel under test; the kernel's patches are then dropped, as
# they are made for nixpkgs' kernel version.
{ final }:

final.linuxPackages.cpupower.overrideAttrs (
  finalAttrs: prevAttrs: {
    patches =
      if import ./source-override.nix finalAttrs prevAttrs then [ ] else prevAttrs.patches or [ ];
  }
)
