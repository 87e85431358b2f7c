# The library's overlay: its own packages (../pkgs), plus fio, xfstests,
# xfsprogs, libbpf-tools and cpupower recipes that keep building when a
# source override replaces `src` (prev.<pkg>.overrideAttrs (old: { src =
# ...; })), and sysbench with its PostgreSQL driver.
final: prev:
(import ../pkgs { pkgs = final; })
// {
  fio = import ./fio.nix { inherit prev; };
  xfsprogs = import ./xfsprogs.nix { inherit prev; };
  xfstests = import ./xfstests.nix { inherit final prev; };
  libbpf-tools = final.callPackage ./libbpf-tools.nix { };
  cpupower = import ./cpupower.nix { inherit final; };
  sysbench = import ./sysbench.nix { inherit final prev; };
}
