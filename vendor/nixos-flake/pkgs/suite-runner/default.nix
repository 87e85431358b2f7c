# suite-run and kernel-config: the runner every suite's template unit calls,
# and the kernel-config finder it shares with the boot-time link
# (suite_runner/__init__.py and kconfig.py say what each does).
{
  lib,
  stdenvNoCC,
  makeWrapper,
  python3,
  coreutils,
  util-linux,
}:

stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "suite-runner";
  version = "1";

  # The Python sources only: no __pycache__ a test run left behind.
  src = lib.fileset.toSource {
    root = ./.;
    fileset = lib.fileset.fileFilter (file: file.hasExt "py") ./suite_runner;
  };

  strictDeps = true;
  nativeBuildInputs = [ makeWrapper ];

  installPhase = ''
    runHook preInstall
    mkdir -p $out/lib/suite-runner
    cp -r suite_runner $out/lib/suite-runner/
    # blkid and mkfs checks (fstests), timeouts and the usual tools.
    for program in suite-run:suite_runner kernel-config:suite_runner.kconfig_main; do
      makeWrapper ${lib.getExe python3} $out/bin/''${program%%:*} \
        --add-flags "-m ''${program#*:}" \
        --prefix PYTHONPATH : $out/lib/suite-runner \
        --suffix PATH : ${
          lib.makeBinPath [
            coreutils
            util-linux
          ]
        }
    done
    runHook postInstall
  '';

  meta = {
    description = "Run a kernel test suite in the guest and file its results per kernel release";
    license = (import ../licenses.nix).copyleftNext031;
    platforms = lib.platforms.linux;
    mainProgram = "suite-run";
  };
})
