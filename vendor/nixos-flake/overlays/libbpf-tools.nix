# libbpf-tools: the CO-RE versions of the bcc tools (biolatency, biosnoop,
# execsnoop, ...), small static binaries with no LLVM at run time. nixpkgs
# has no top-level attribute for them, so the library builds them from
# bcc's source tree (libbpf-tools/), sharing bcc's pinned version.
#
# Source overrides: a GitHub tarball or a checkout without submodules has
# no src/cc/libbpf, so nixpkgs' libbpf source takes its place; bpftool is
# nixpkgs' bpftools instead of the bundled submodule; blazesym (Rust, built
# with cargo at build time) is left out, so memleak and opensnoop print raw
# addresses instead of symbol names.
{
  lib,
  stdenv,
  bcc,
  bpftools,
  elfutils,
  libbpf,
  llvmPackages,
  pkg-config,
  zlib,
}:

stdenv.mkDerivation {
  pname = "libbpf-tools";
  inherit (bcc) version src;

  nativeBuildInputs = [
    llvmPackages.clang
    llvmPackages.llvm
    bpftools
    pkg-config
  ];

  buildInputs = [
    elfutils
    zlib
  ];

  # The BPF objects are compiled with `clang -target bpf`, which rejects the
  # hardening flags the compiler wrapper adds (zero-call-used-regs, stack
  # protector, ...).
  hardeningDisable = [ "all" ];

  dontConfigure = true;
  enableParallelBuilding = true;

  postPatch = ''
    if [ ! -e src/cc/libbpf/src/Makefile ]; then
      echo "no libbpf submodule in this tree: using ${libbpf.src}"
      rm -rf src/cc/libbpf
      cp -r --no-preserve=mode ${libbpf.src} src/cc/libbpf
    fi
  '';

  makeFlags = [
    "-C"
    "libbpf-tools"
    "USE_BLAZESYM=0"
    "BPFTOOL=${lib.getExe' bpftools "bpftool"}"
    "CLANG=clang"
    "LLVM_STRIP=llvm-strip"
    "prefix=${placeholder "out"}"
  ];

  meta = {
    description = "BPF CO-RE tools from bcc's libbpf-tools directory";
    homepage = "https://github.com/iovisor/bcc/tree/master/libbpf-tools";
    license = with lib.licenses; [
      lgpl21Only
      bsd2
    ];
    platforms = [
      "x86_64-linux"
      "aarch64-linux"
    ];
  };
}
