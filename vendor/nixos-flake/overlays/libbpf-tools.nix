# libbpf-tools: the CO-RE versions of the bcc tools (biolatency, biosnoop,
# execsnoop, ...), small static binaries with no LLVM at run time. nixpkgs
# has no top-level attribute for them, so the library builds them from
# bcc's source tree (libbpf-tools/), sharing bcc's pinned version.
#
# Source overrides: a GitHub tarball or a checkout without submodules has
# no src/cc/libbpf, so nixpkgs' libbpf source takes its place; bpftool is
# nixpkgs' bpftools instead of the bundled submodule.
#
# Symbolization: futexctn, memleak and opensnoop resolve user-space stack
# addresses to symbol names through blazesym (bcc builds it from its
# submodule with cargo, which a sandboxed build cannot fetch crates for). nixpkgs has
# blazesym's C library as blazesym-c (pkgs/by-name/bl/blazesym-c): 0.1.7
# in 26.05, whose blazesym.h is the one bcc 0.36.1's submodule (capi
# 0.1.5) carries but for a comment. It is linked statically (a build
# input, not a run-time one). bcc's Makefile turns it on for x86 only, and
# so does this recipe. A tree whose Makefile predates blazesym-c (bcc before
# 0.36.1, which linked the older libblazesym.a) builds without it.
#
# Names: every tool is also installed as <tool>-libbpf, the name Debian's
# libbpf-tools package uses and upstream kdevops-ng's monitor units call
# (biolatency-libbpf, blkalgn-libbpf). bcc's own Python tools install as
# bin/<tool> too, so with bcc in the same profile the suffixed name is the
# unambiguous one.
{
  lib,
  stdenv,
  bcc,
  # null: build without symbolization (a nixpkgs without blazesym-c).
  blazesym-c ? null,
  bpftools,
  elfutils,
  libbpf,
  llvmPackages,
  pkg-config,
  zlib,
}:

let
  symbolize = blazesym-c != null && stdenv.hostPlatform.isx86_64;
in
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

  # The Makefile builds blazesym with `cd $(LIBBLAZESYM_SRC) && $(CARGO)
  # build` and copies target/release/libblazesym_c.a and
  # capi/include/blazesym.h from there: a directory laid out so, holding
  # nixpkgs' library, and CARGO=true make that build a no-op.
  preBuild = lib.optionalString symbolize ''
    if grep -q libblazesym_c.a libbpf-tools/Makefile; then
      blazesym=$NIX_BUILD_TOP/blazesym
      mkdir -p "$blazesym/target/release" "$blazesym/capi/include"
      ln -s ${blazesym-c}/lib/libblazesym_c.a "$blazesym/target/release/"
      ln -s ${blazesym-c}/include/blazesym.h "$blazesym/capi/include/"
      makeFlagsArray+=(USE_BLAZESYM=1 CARGO=true "LIBBLAZESYM_SRC=$blazesym")
    else
      echo "libbpf-tools: this tree does not build blazesym-c; no symbolization"
      makeFlagsArray+=(USE_BLAZESYM=0)
    fi
  '';

  makeFlags = [
    "-C"
    "libbpf-tools"
    "BPFTOOL=${lib.getExe' bpftools "bpftool"}"
    "CLANG=clang"
    "LLVM_STRIP=llvm-strip"
    "prefix=${placeholder "out"}"
  ]
  ++ lib.optional (!symbolize) "USE_BLAZESYM=0";

  postInstall = ''
    for tool in "$out"/bin/*; do
      name=''${tool##*/}
      case $name in
        *-libbpf) ;;
        *) ln -s "$name" "$out/bin/$name-libbpf" ;;
      esac
    done
  '';

  passthru = { inherit symbolize; };

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
