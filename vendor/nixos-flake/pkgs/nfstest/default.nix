# NFStest, the NFS client test tools (nfstest_* plus the packet trace
# decoder). Upstream is git.linux-nfs.org (projects/mora/nfstest); the only
# copy of its history reachable here is the kofemann/nfstest GitHub mirror,
# whose newest commit is release 2.1.9 (2019-07-25). Newer upstream releases
# exist but could not be hashed here.
{
  lib,
  stdenvNoCC,
  fetchFromGitHub,
  makeWrapper,
  python3,
}:

stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "nfstest";
  version = "2.1.9";

  src = fetchFromGitHub {
    owner = "kofemann";
    repo = "nfstest";
    rev = "e33e25cf86db952dca4b5ff30050ae4e070da688";
    hash = "sha256-WXQ4B57FO+6eusbZ07ilDS9AI+2amd3ZoiLvmpGDCOw=";
  };

  nativeBuildInputs = [ makeWrapper ];

  # Its setup.py still imports distutils. The README's other way, running
  # from the tree with PYTHONPATH set to it, needs no build at all.
  dontConfigure = true;
  dontBuild = true;

  # Tools are looked up in /usr/bin, /usr/sbin, /bin and /sbin before PATH;
  # on NixOS the setuid sudo lives in /run/wrappers/bin.
  postPatch = ''
    substituteInPlace nfstest_config.py \
      --replace-fail "    '/usr/bin'," "    '/run/wrappers/bin', '/run/current-system/sw/bin', '/usr/bin',"
  '';

  installPhase = ''
    runHook preInstall
    mkdir -p $out/share $out/bin
    cp -r . $out/share/nfstest
    for script in $out/share/nfstest/test/nfstest_*; do
      makeWrapper ${python3.interpreter} $out/bin/$(basename $script) \
        --add-flags $script \
        --prefix PYTHONPATH : $out/share/nfstest
    done
    runHook postInstall
  '';

  meta = {
    description = "NFS client and server test tools with a packet trace decoder";
    homepage = "https://wiki.linux-nfs.org/wiki/index.php/NFStest";
    license = lib.licenses.gpl2Plus;
    platforms = lib.platforms.linux;
  };
})
