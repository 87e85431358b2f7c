# gitr: git's own regression test suite, run on a file system under test
# (kdevops' "gitr" workflow). It builds the git source nixpkgs already pins
# (git.src, so no new hash) and ships the built tree; `gitr DIR` copies that
# tree into DIR, which should be on the file system being tested, and runs
# the tests there with make.
{
  lib,
  stdenv,
  git,
  makeWrapper,
  bash,
  curl,
  expat,
  gettext,
  gnumake,
  openssl,
  pcre2,
  perl,
  python3,
  zlib,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "gitr";
  inherit (git) version src;

  strictDeps = true;

  nativeBuildInputs = [
    gettext
    makeWrapper
    perl
    python3
  ];

  buildInputs = [
    bash
    curl
    expat
    openssl
    pcre2
    zlib
  ];

  enableParallelBuilding = true;

  makeFlags = [
    "prefix=${placeholder "out"}"
    "SHELL_PATH=${stdenv.shell}"
    "PERL_PATH=${perl}/bin/perl"
    "PYTHON_PATH=${python3}/bin/python3"
    "USE_LIBPCRE2=1"
    "NO_TCLTK=1"
  ];

  # Only build (make all); the tests run later, in the guest.
  installPhase = ''
    runHook preInstall
    mkdir -p $out/share/gitr
    cp -a . $out/share/gitr/git
    install -Dm755 ${./gitr.sh} $out/bin/gitr
    substituteInPlace $out/bin/gitr --replace-fail @tree@ $out/share/gitr/git
    patchShebangs --host $out/bin/gitr
    wrapProgram $out/bin/gitr --prefix PATH : ${
      lib.makeBinPath [
        gnumake
        perl
        python3
      ]
    }
    runHook postInstall
  '';

  # The tree is test data: leave its scripts and binaries as built.
  dontStrip = true;
  dontPatchShebangs = true;

  meta = {
    description = "Git's regression test suite, built and ready to run on a file system under test";
    homepage = "https://git-scm.com/";
    license = lib.licenses.gpl2Only;
    platforms = lib.platforms.linux;
    mainProgram = "gitr";
  };
})
