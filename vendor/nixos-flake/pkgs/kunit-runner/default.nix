# kunit-run: loads the booted kernel's KUnit test modules and files their
# KTAP results with a summary (kunit-run.py says how).
{
  lib,
  stdenvNoCC,
  makeWrapper,
  python3,
  coreutils,
  kmod,
  util-linux,
  zstd,
}:

stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "kunit-runner";
  version = "1";

  src = ./kunit-run.py;
  dontUnpack = true;

  strictDeps = true;
  nativeBuildInputs = [ makeWrapper ];
  # The script's interpreter, for patchShebangs.
  buildInputs = [ python3 ];

  installPhase = ''
    runHook preInstall
    install -Dm755 $src $out/bin/kunit-run
    patchShebangs --host $out/bin/kunit-run
    # modprobe loads the test modules, mount mounts debugfs, zstd reads
    # zstd-compressed modules.
    wrapProgram $out/bin/kunit-run --prefix PATH : ${
      lib.makeBinPath [
        coreutils
        kmod
        util-linux
        zstd
      ]
    }
    runHook postInstall
  '';

  meta = {
    description = "Run the booted kernel's KUnit test modules and file their KTAP results";
    license = (import ../licenses.nix).copyleftNext031;
    platforms = lib.platforms.linux;
    mainProgram = "kunit-run";
  };
})
