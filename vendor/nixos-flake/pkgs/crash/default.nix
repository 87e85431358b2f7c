# crash: the kernel crash-dump analyser (vmcores, /proc/kcore, live
# systems), which nixpkgs does not carry. It embeds a patched gdb that its
# Makefile unpacks from gdb-<version>.tar.gz beside itself, downloading the
# tarball when it is missing; the tarball is fetched here instead.
{
  lib,
  stdenv,
  fetchFromGitHub,
  fetchurl,
  bison,
  flex,
  texinfo,
  gmp,
  mpfr,
  ncurses,
  zlib,
  lzo,
  snappy,
  zstd,
  binutils-unwrapped,
  coreutils,
  findutils,
  less,
}:

let
  # configure.c's default_gdb for this release; the Makefile reads
  # exactly this file name and only gzip.
  gdbVersion = "16.2";
  gdbTarball = fetchurl {
    url = "mirror://gnu/gdb/gdb-${gdbVersion}.tar.gz";
    hash = "sha256-vcHaSgMygKx1Ln00sEGO+qRb7QkyNcuI5i6pYXUqN/g=";
  };
in
stdenv.mkDerivation (finalAttrs: {
  pname = "crash";
  version = "9.0.2";

  src = fetchFromGitHub {
    owner = "crash-utility";
    repo = "crash";
    rev = finalAttrs.version;
    hash = "sha256-6FxPBAFFTO3lZXYkp02Nj5HytGEcqswqRoof0cmHNKU=";
  };

  strictDeps = true;

  nativeBuildInputs = [
    bison
    flex
    texinfo
  ];

  buildInputs = [
    gmp
    mpfr
    ncurses
    zlib
    lzo
    snappy
    zstd
  ];

  postPatch = ''
    cp ${gdbTarball} gdb-${gdbVersion}.tar.gz

    # The gdb patch links crash through $(shell /bin/cat ...), and install
    # calls /usr/bin/install: neither exists in the build sandbox.
    substituteInPlace gdb-${gdbVersion}.patch --replace-fail /bin/cat cat
    substituteInPlace Makefile --replace-fail /usr/bin/install install

    # Tools crash runs at run time by absolute path.
    for file in *.c; do
      substituteInPlace "$file" \
        --replace-quiet /usr/bin/less ${lib.getExe less} \
        --replace-quiet /usr/bin/strings ${binutils-unwrapped}/bin/strings \
        --replace-quiet /usr/bin/find ${findutils}/bin/find \
        --replace-quiet /bin/echo ${coreutils}/bin/echo \
        --replace-quiet /usr/bin/ls ${coreutils}/bin/ls \
        --replace-quiet /usr/bin/tty ${coreutils}/bin/tty
    done
  '';

  # The Makefile runs its own configure (configure.c) and then gdb's.
  dontConfigure = true;

  # "lzo snappy zstd" are aliases of the default target that also enable
  # those compressed dump formats (makedumpfile -l, -p, -z).
  buildFlags = [
    "lzo"
    "snappy"
    "zstd"
  ];

  installFlags = [ "INSTALLDIR=${placeholder "out"}/bin" ];

  postInstall = ''
    install -Dm644 crash.8 $out/share/man/man8/crash.8
  '';

  meta = {
    description = "Analyse Linux kernel crash dumps and live systems with an embedded gdb";
    homepage = "https://crash-utility.github.io/";
    # Sources GPL-2.0-or-later (nixpkgs' crash says gpl2Plus); the embedded
    # gdb 16 makes the program GPL-3.0-or-later.
    license = lib.licenses.gpl3Plus;
    platforms = [
      "x86_64-linux"
      "aarch64-linux"
    ];
    mainProgram = "crash";
  };
})
