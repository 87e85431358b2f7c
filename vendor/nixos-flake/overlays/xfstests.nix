# xfstests from nixpkgs with a patch phase that tolerates other trees: the
# recipe's own edits (impure paths, Linux output files) are kept, but each
# one only touches files that exist, so a newer release or a git checkout
# whose layout moved on still builds. liburing is added because current
# trees build their io_uring tests against it when it is present.
{ final, prev }:

prev.xfstests.overrideAttrs (
  finalAttrs: prevAttrs: {
    buildInputs = (prevAttrs.buildInputs or [ ]) ++ [ final.liburing ];

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
  }
)
