# gitr: git's own regression test suite, run on a file system under test
# (kdevops' "gitr" workflow). It builds the git source nixpkgs already pins
# (git.src, so no new hash) and ships the built tree; `gitr DIR` copies that
# tree into DIR, which should be on the file system being tested, and runs
# the tests there with make.
{
  lib,
  stdenv,
  git,
  runtimeShell,
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

stdenv.mkDerivation {
  pname = "gitr";
  inherit (git) version src;

  nativeBuildInputs = [
    gettext
    perl
    python3
  ];

  buildInputs = [
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
    mkdir -p $out/share/gitr $out/bin
    cp -a . $out/share/gitr/git
    cat > $out/bin/gitr <<SCRIPT
    #!${runtimeShell}
    # usage: gitr [DIR [MAKE-ARGS...]]
    # Copy the built git tree into DIR (default \''${GITR_DIR:-/var/lib/gitr})
    # and run git's test suite there: make -C DIR/git/t MAKE-ARGS.
    set -eu
    dir=\''${1:-\''${GITR_DIR:-/var/lib/gitr}}
    [ \$# -gt 0 ] && shift
    export PATH=${lib.makeBinPath [ gnumake perl python3 ]}:\$PATH
    mkdir -p "\$dir"
    rm -rf "\$dir/git"
    cp -a $out/share/gitr/git "\$dir/git"
    chmod -R u+w "\$dir/git"
    exec make -C "\$dir/git/t" "\$@"
    SCRIPT
    chmod +x $out/bin/gitr
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
}
