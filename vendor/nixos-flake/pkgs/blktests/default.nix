# blktests has no release tags upstream; this pins a master commit.
{
  lib,
  stdenv,
  fetchFromGitHub,
  makeWrapper,
  liburing,
  bash,
  coreutils,
  gawk,
  util-linux,
  fio,
  getconf,
  systemd,
  kmod,
}:

let
  # The "minimal" dependencies of the upstream README (bash, coreutils, GNU
  # awk, util-linux, fio, getconf, udevadm), plus kmod because most groups
  # load null_blk, scsi_debug or nvme modules themselves.
  runtimeDeps = [
    bash
    coreutils
    gawk
    util-linux
    fio
    getconf
    systemd
    kmod
  ];
in
stdenv.mkDerivation (finalAttrs: {
  pname = "blktests";
  version = "0-unstable-2026-08-21";

  src = fetchFromGitHub {
    owner = "linux-blktests";
    repo = "blktests";
    rev = "a608cb56341e0f4cacf473f5e0ac6052f1f12de9";
    hash = "sha256-MxtHjyghVSGgMed0rgcfg/ayq6msKA/fkivD6kRuMWM=";
  };

  strictDeps = true;

  nativeBuildInputs = [ makeWrapper ];

  # liburing enables the io_uring helpers (metadata, nvme-passthru-admin-uring,
  # miniublk); without it src/Makefile silently skips them. bash is what the
  # test scripts' shebangs are patched to.
  buildInputs = [
    liburing
    bash
  ];

  enableParallelBuilding = true;

  # `make install` puts the tree under $(DESTDIR)$(prefix)/blktests.
  makeFlags = [ "prefix=${placeholder "out"}/lib" ];

  # ./check finds tests/ and common/ relative to the working directory and
  # writes results there, so the store copy cannot be run in place. The
  # wrapper changes into the tree and sends results and config elsewhere.
  # src/Makefile installs its sg/ helpers flat (src/dxfer-from-dev), but
  # scsi/001 and 002 look for src/sg/<name> and skip without them.
  postInstall = ''
    for helper in dxfer-from-dev syzkaller1; do
      install -Dm755 src/sg/$helper $out/lib/blktests/src/sg/$helper
    done
    install -Dm755 ${./blktests.sh} $out/bin/blktests
    substituteInPlace $out/bin/blktests --replace-fail @tree@ $out/lib/blktests
    wrapProgram $out/bin/blktests --prefix PATH : ${lib.makeBinPath runtimeDeps}
  '';

  meta = {
    description = "Test framework for the Linux kernel block layer and storage stack";
    homepage = "https://github.com/linux-blktests/blktests";
    # blktests' own files say GPL-3.0+; bin/blktests, the wrapper
    # (blktests.sh), is ours.
    license = [
      lib.licenses.gpl3Plus
      (import ../licenses.nix).copyleftNext031
    ];
    platforms = lib.platforms.linux;
    mainProgram = "blktests";
  };
})
