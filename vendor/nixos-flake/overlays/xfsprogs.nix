# xfsprogs from nixpkgs, made to build from a git checkout as well as from a
# release tarball: the checkout has no generated configure and keeps
# install-sh under include/, and the shebang fixes must not fail when a
# script moved or changed.
{ prev }:

prev.xfsprogs.overrideAttrs (
  finalAttrs: prevAttrs:
  let
    overridden = import ./source-override.nix finalAttrs prevAttrs;
  in
  {
    patches = if overridden then [ ] else prevAttrs.patches or [ ];

    postPatch = ''
      for f in scrub/xfs_scrub_all.py.in mkfs/xfs_protofile.py.in; do
        [ -f "$f" ] || continue
        substituteInPlace "$f" \
          --replace-quiet '#!/usr/bin/python3' '#!/usr/bin/env python3'
      done
    '';

    # The release tarball ships install-sh at the top; a checkout only has
    # include/install-sh (upstream's `make configure` copies it).
    preAutoreconf = (prevAttrs.preAutoreconf or "") + ''
      if [ ! -e install-sh ] && [ -e include/install-sh ]; then
        cp include/install-sh install-sh
      fi
    '';

    preConfigure = ''
      for file in scrub/*.in; do
        [ -f "$file" ] || continue
        substituteInPlace "$file" \
          --replace-quiet '@sbindir@' '/run/current-system/sw/bin' \
          --replace-quiet '@stampfile@' '@pkg_state_dir@/xfs_scrub_all_media.stamp' \
          --replace-quiet '@pkg_state_dir@' '/var/lib/xfsprogs'
      done
      if [ -e install-sh ]; then
        patchShebangs install-sh
      fi
    '';
  }
)
