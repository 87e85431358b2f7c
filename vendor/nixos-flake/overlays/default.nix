# The library's overlay: its own packages (../pkgs), plus fio, xfstests,
# xfsprogs, libbpf-tools and cpupower recipes that keep building when a
# source override replaces `src` (prev.<pkg>.overrideAttrs (old: { src =
# ...; })), sysbench with its PostgreSQL driver, and fastfetch-headless,
# fastfetch without the desktop libraries, on every supported release.
final: prev:
(import ../pkgs { pkgs = final; })
// {
  fio = import ./fio.nix { inherit prev; };
  xfsprogs = import ./xfsprogs.nix { inherit prev; };
  xfstests = import ./xfstests.nix { inherit final prev; };
  libbpf-tools = final.callPackage ./libbpf-tools.nix { };
  cpupower = import ./cpupower.nix { inherit final; };
  sysbench = import ./sysbench.nix { inherit final prev; };
  fastfetch-headless = import ./fastfetch-headless.nix { inherit prev; };
}
