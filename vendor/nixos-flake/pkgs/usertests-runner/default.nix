# usertests-run: builds the kernel's userspace test harnesses
# (tools/testing/{radix-tree,vma,memblock}) from a kernel tree shared into
# the guest and runs them (usertests-run.py says how). The wrapper gives the
# harnesses' builds their compiler, make and liburcu, outside any Nix build.
{
  lib,
  stdenvNoCC,
  makeWrapper,
  python3,
  bash,
  coreutils,
  diffutils,
  findutils,
  gawk,
  gcc,
  gnugrep,
  gnumake,
  gnused,
  liburcu,
  pkg-config,
}:

stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "usertests-runner";
  version = "1";

  src = ./usertests-run.py;
  dontUnpack = true;

  strictDeps = true;
  nativeBuildInputs = [ makeWrapper ];
  buildInputs = [ python3 ];

  installPhase = ''
    runHook preInstall
    install -Dm755 $src $out/bin/usertests-run
    patchShebangs --host $out/bin/usertests-run
    wrapProgram $out/bin/usertests-run \
      --prefix PATH : ${
        lib.makeBinPath [
          bash
          coreutils
          diffutils
          findutils
          gawk
          gcc
          gnugrep
          gnumake
          gnused
          pkg-config
        ]
      } \
      --prefix C_INCLUDE_PATH : ${lib.getDev liburcu}/include \
      --prefix LIBRARY_PATH : ${lib.getLib liburcu}/lib \
      --prefix LD_LIBRARY_PATH : ${lib.getLib liburcu}/lib \
      --prefix PKG_CONFIG_PATH : ${lib.getDev liburcu}/lib/pkgconfig
    runHook postInstall
  '';

  meta = {
    description = "Build and run the Linux kernel's userspace test harnesses from a kernel tree";
    license = (import ../licenses.nix).copyleftNext031;
    platforms = lib.platforms.linux;
    mainProgram = "usertests-run";
  };
})
