# pynfs, the NFSv4.0/4.1 server conformance tests. Upstream lives at
# git.linux-nfs.org and has had no release tag since pynfs-0.2, so this pins
# a master commit, taken from the kofemann/pynfs GitHub mirror of that tree.
{
  lib,
  stdenv,
  fetchFromGitHub,
  makeWrapper,
  python3,
}:

let
  # The README asks for xdrlib3 (Python 3.13 dropped the standard xdrlib
  # module that pynfs falls back to). nixpkgs has no xdrlib3, so the release
  # sdist is built here.
  xdrlib3 = python3.pkgs.buildPythonPackage rec {
    pname = "xdrlib3";
    version = "0.1.1";
    pyproject = true;
    src = python3.pkgs.fetchPypi {
      inherit pname version;
      hash = "sha256-JmlwE69Fr6tsb/mlmP0El5zeg/pyFdoFlVGwiK6ojzQ=";
    };
    build-system = [ python3.pkgs.poetry-core ];
    pythonImportsCheck = [ "xdrlib3" ];
    # Its README: the code forked from CPython's xdrlib under Python's
    # licence, the rest MIT.
    meta = {
      description = "XDR encoding and decoding, forked from Python's xdrlib";
      homepage = "https://github.com/overcat/xdrlib3";
      license = [
        lib.licenses.psfl
        lib.licenses.mit
      ];
    };
  };

  # README: python3-gssapi, python3-ply and xdrlib3.
  pythonEnv = python3.withPackages (p: [
    p.gssapi
    p.ply
    xdrlib3
  ]);
in
stdenv.mkDerivation (finalAttrs: {
  pname = "pynfs";
  version = "0-unstable-2025-04-10";

  src = fetchFromGitHub {
    owner = "kofemann";
    repo = "pynfs";
    rev = "3c14d9e3ad12272ab2f6092c85bb28ab03951484";
    hash = "sha256-sU+wP3+uMbse3QMbAPwurhwTIXW2IzuqIdcXtBgWdXU=";
  };

  nativeBuildInputs = [
    makeWrapper
    pythonEnv
  ];

  # `./setup.py build` generates the XDR code in place in each subtree
  # (xdr, rpc, nfs4.1, nfs4.0); the tests then run from the tree itself.
  buildPhase = ''
    runHook preBuild
    python3 setup.py build
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    mkdir -p $out/share $out/bin
    cp -r . $out/share/pynfs
    makeWrapper ${pythonEnv}/bin/python3 $out/bin/pynfs-4.0 \
      --add-flags $out/share/pynfs/nfs4.0/testserver.py
    makeWrapper ${pythonEnv}/bin/python3 $out/bin/pynfs-4.1 \
      --add-flags $out/share/pynfs/nfs4.1/testserver.py
    makeWrapper ${pythonEnv}/bin/python3 $out/bin/pynfs-showresults \
      --add-flags $out/share/pynfs/showresults.py
    runHook postInstall
  '';

  meta = {
    description = "NFSv4.0 and NFSv4.1 server conformance test suite";
    homepage = "https://linux-nfs.org/wiki/index.php/Pynfs";
    license = lib.licenses.gpl2Only;
    platforms = lib.platforms.linux;
  };
})
