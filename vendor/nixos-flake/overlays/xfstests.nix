# xfstests: nixpkgs' recipe (2023.05.14 up to 26.05, which current
# compilers reject) moved to release 2026.06.21, with what its configure
# probes for: gdbm (src/dbtest, generic/010), liburing (the io_uring tests;
# found with pkg-config). The patch phase keeps the recipe's edits
# (impure paths, Linux output files), each touching only files that exist,
# so a source override with another layout still builds.
{ final, prev }:

prev.xfstests.overrideAttrs (
  finalAttrs: prevAttrs: {
    version = "2026.06.21";
    src = final.fetchzip {
      url = "https://git.kernel.org/pub/scm/fs/xfs/xfstests-dev.git/snapshot/xfstests-dev-v${finalAttrs.version}.tar.gz";
      hash = "sha256-hngS9Hnsz9XKQ42yh6mcXHiTOzL+Zk9hRpai7e2tU0E=";
    };

    nativeBuildInputs = (prevAttrs.nativeBuildInputs or [ ]) ++ [ final.pkg-config ];
    buildInputs = (prevAttrs.buildInputs or [ ]) ++ [
      final.gdbm
      final.liburing
    ];

    patchPhase = ''
      runHook prePatch

      for p in ''${patches:-}; do
        echo "applying patch $p"
        patch -p1 < "$p"
      done

      if grep -q 'cp include/install-sh \.' Makefile; then
        substituteInPlace Makefile \
          --replace-quiet "cp include/install-sh ." "cp -f include/install-sh ."
      fi

      # Install into $out/lib/xfstests.
      sed -i include/builddefs.in -e "s|^PKG_LIB_DIR\s*=.*|PKG_LIB_DIR=$out/lib/xfstests|"

      # Look mkfs up on PATH so mkfs.<fstype> from any package is found.
      sed -i common/config -e 's|^export MKFS_PROG=.*|export MKFS_PROG=mkfs|'

      for f in tests/*/*.out.linux; do
        [ -e "$f" ] || continue
        mv "$f" "''${f%.linux}"
      done
      rm -f tests/*/*.out.irix

      for f in common/* tools/* tests/*/*; do
        [ -f "$f" ] || continue
        sed -i "$f" \
          -e 's|/bin/bash|${final.bash}/bin/bash|' \
          -e 's|/bin/true|true|' \
          -e 's|/usr/sbin/filefrag|${final.e2fsprogs}/bin/filefrag|' \
          -e 's|hostname -s|hostname|' \
          -e 's|$(_yp_active)|1|'
      done

      for f in src/*.c src/*.sh; do
        [ -f "$f" ] || continue
        sed -i "$f" \
          -e 's|/bin/rm|${final.coreutils}/bin/rm|' \
          -e 's|/usr/bin/time|${final.time}/bin/time|'
      done

      patchShebangs .

      runHook postPatch
    '';

    # `make install` leaves doc/ out; kdevops-ng's f/fstests/check form lists
    # the groups a run can pick from doc/group-names.txt in the installed
    # tree (f/fstests/common.py, XFSTESTS_DOC_RELPATH). A checkout without
    # the file installs none.
    postInstall = (prevAttrs.postInstall or "") + ''
      if [ -f doc/group-names.txt ]; then
        install -D --mode=0444 doc/group-names.txt "$out/lib/xfstests/doc/group-names.txt"
      fi
    '';
  }
)
