# MMTests is a tree of shell and Perl scripts that runs from a directory it
# can write to (it keeps work/ and its configs beside run-mmtests.sh). The
# package holds a pristine copy; the testSuites.mmtests module copies it to
# a writable place at boot.
{
  lib,
  stdenvNoCC,
  fetchFromGitHub,
  bash,
  perl,
}:

let
  # Perl modules its reporting scripts `use` (bin/, bin-virt/): File::Slurp,
  # File::Which, JSON, YAML::PP and GD. Math::Gradient, which the README says
  # the reports may want from CPAN, is not in nixpkgs.
  perlEnv = perl.withPackages (
    p: with p; [
      FileSlurp
      FileWhich
      GD
      JSON
      YAMLPP
    ]
  );
in
stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "mmtests";
  version = "2.0-rc5";

  src = fetchFromGitHub {
    owner = "gormanm";
    repo = "mmtests";
    rev = "v${finalAttrs.version}";
    hash = "sha256-8NLaeYXKY+Anp2Pk5ya/4cyBLrUCmYNiyoRKmAWF0Ro=";
  };

  # Interpreters for patchShebangs (#!/bin/bash, #!/usr/bin/perl).
  buildInputs = [
    bash
    perlEnv
  ];

  dontConfigure = true;
  dontBuild = true;

  installPhase = ''
    runHook preInstall
    mkdir -p $out/share
    cp -r . $out/share/mmtests
    runHook postInstall
  '';

  # The perl with the modules mmtests' scripts use, for /usr/bin/perl.
  passthru.perl = perlEnv;

  meta = {
    description = "Configurable performance test suite for memory management and other kernel subsystems";
    homepage = "https://github.com/gormanm/mmtests";
    license = lib.licenses.gpl2Only;
    platforms = lib.platforms.linux;
  };
})
