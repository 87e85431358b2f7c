# gitr: git's own regression test suite, run on a file system under test
# (kdevops' "gitr" workflow). git's build bakes its build directory into
# the test tree (bin-wrappers, GIT-BUILD-OPTIONS), so a tree built in the
# Nix sandbox points every test at /build. Instead this ships git's source
# (the one nixpkgs pins: git.src, so no new hash) with `gitr`, which
# copies it into a directory on the file system under test, builds it
# there, as kdevops does, and runs the tests in place.
{
  lib,
  stdenvNoCC,
  git,
  makeWrapper,
  bash,
  coreutils,
  curl,
  expat,
  findutils,
  gcc,
  gnugrep,
  gnumake,
  gnused,
  openssl,
  pcre2,
  perl,
  python3,
  zlib,
}:

let
  libraries = [
    curl
    expat
    openssl
    pcre2
    zlib
  ];
  # git's Makefile takes these; each library's headers and its run path.
  cflags = "-O2 " + lib.concatMapStringsSep " " (pkg: "-I${lib.getDev pkg}/include") libraries;
  ldflags = lib.concatMapStringsSep " " (
    pkg: "-L${lib.getLib pkg}/lib -Wl,-rpath,${lib.getLib pkg}/lib"
  ) libraries;
in
stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "gitr";
  inherit (git) version src;

  strictDeps = true;
  nativeBuildInputs = [ makeWrapper ];

  dontConfigure = true;
  dontBuild = true;

  installPhase = ''
    runHook preInstall
    mkdir -p $out/share/gitr
    cp -a . $out/share/gitr/git
    install -Dm755 ${./gitr.sh} $out/bin/gitr
    substituteInPlace $out/bin/gitr \
      --replace-fail @source@ $out/share/gitr/git \
      --replace-fail @bash@ ${lib.getExe bash} \
      --replace-fail @perl@ ${lib.getExe perl} \
      --replace-fail @python@ ${lib.getExe python3} \
      --replace-fail @curl_config@ ${lib.getDev curl}/bin/curl-config \
      --replace-fail @cflags@ "${cflags}" \
      --replace-fail @ldflags@ "${ldflags}"
    patchShebangs --host $out/bin/gitr
    wrapProgram $out/bin/gitr --prefix PATH : ${
      lib.makeBinPath [
        coreutils
        findutils
        gcc
        gnugrep
        gnumake
        gnused
        perl
        python3
      ]
    }
    runHook postInstall
  '';

  # The tree is the source to build in the guest: leave it as it is.
  dontStrip = true;
  dontPatchShebangs = true;
  dontFixup = true;

  meta = {
    description = "Git's regression test suite, built and run on a file system under test";
    homepage = "https://git-scm.com/";
    # git's source, as nixpkgs' git says, and bin/gitr (gitr.sh), ours.
    license = [
      lib.licenses.gpl2Only
      (import ../licenses.nix).copyleftNext031
    ];
    platforms = lib.platforms.linux;
    mainProgram = "gitr";
  };
})
