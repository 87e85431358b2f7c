{
  lib,
  stdenv,
  fetchFromGitHub,
  autoconf,
  automake,
  bison,
  flex,
  m4,
  pkg-config,
  acl,
  attr,
  keyutils,
  libaio,
  libcap,
  libmnl,
  libselinux,
  libsepol,
  libtirpc,
  numactl,
  openssl,
  python3,
}:

let
  # kirk, the runner the LTP README recommends, is a git submodule
  # (tools/kirk/kirk-src). GitHub archives leave submodules out, so it is
  # fetched on its own at the commit LTP 20260529 records for it (kirk v4.1.0)
  # and dropped into place before the build.
  kirkSrc = fetchFromGitHub {
    owner = "linux-test-project";
    repo = "kirk";
    rev = "7d4234c4305ab8b7b4ec27e911798b5e7f65ef88";
    hash = "sha256-W/6sxdqNACs0yI+g8BLYFdqPzJXA1VHYbUN/YL7kuJE=";
  };
in
stdenv.mkDerivation (finalAttrs: {
  pname = "ltp";
  version = "20260529";

  src = fetchFromGitHub {
    owner = "linux-test-project";
    repo = "ltp";
    rev = finalAttrs.version;
    hash = "sha256-h4cIK0sDbyGiGwvba3jkJ+W28oNzvQAfGu1RbGAFljA=";
  };

  strictDeps = true;

  # INSTALL: autoconf, automake, m4, pkgconf, bison and flex to build from
  # git; ci/debian.sh adds the libraries whose headers enable more tests.
  # python3 runs the build's own scripts.
  nativeBuildInputs = [
    autoconf
    automake
    bison
    flex
    m4
    pkg-config
    python3
  ];

  buildInputs = [
    acl
    attr
    keyutils
    libaio
    libcap
    libmnl
    libselinux
    libsepol
    libtirpc
    numactl
    openssl
    # kirk's launcher is a Python script; patchShebangs (fixup) points it here.
    python3
  ];

  postPatch = ''
    cp -r ${kirkSrc}/. tools/kirk/kirk-src/
    chmod -R u+w tools/kirk/kirk-src
    patchShebangs --build .
  '';

  # The git tree has no configure script yet.
  preConfigure = ''
    make autotools
  '';

  enableParallelBuilding = true;

  # Several test sources trip the default fortify and format hardening.
  hardeningDisable = [
    "format"
    "fortify"
  ];

  # The installed tree keeps LTP's /opt/ltp layout under $out (kirk,
  # runtest/, testcases/bin/, ...); LTPROOT points at $out. kirk is the
  # runner (runltp is a stub that exits 1), so its absence fails the build.
  postInstall = ''
    test -x $out/kirk
    mkdir -p $out/bin
    ln -s $out/kirk $out/bin/kirk
  '';

  meta = {
    description = "Linux Test Project: tests that validate the Linux kernel";
    homepage = "https://linux-test-project.readthedocs.io/";
    license = lib.licenses.gpl2Plus;
    platforms = lib.platforms.linux;
  };
})
