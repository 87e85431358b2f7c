# fio from nixpkgs, with its release-specific patches dropped when another
# source replaces the pinned one: they are backports that a newer tree
# already carries and would no longer apply.
{ prev }:

prev.fio.overrideAttrs (
  finalAttrs: prevAttrs:
  let
    overridden = import ./source-override.nix finalAttrs prevAttrs;
  in
  {
    patches = if overridden then [ ] else prevAttrs.patches or [ ];

    # FIO-VERSION-GEN asks git for the version and falls back to a constant
    # in the tree; a checkout without .git gets that constant, so nothing
    # here derives from the recipe's version string.
    postPatch = ''
      if [ -f Makefile ]; then
        substituteInPlace Makefile \
          --replace-quiet "mandir = /usr/share/man" "mandir = \$(prefix)/man" \
          --replace-quiet "sharedir = /usr/share/fio" "sharedir = \$(prefix)/share/fio"
      fi
      if [ -f tools/plot/fio2gnuplot ]; then
        substituteInPlace tools/plot/fio2gnuplot \
          --replace-quiet /usr/share/fio "$out/share/fio"
      fi
    '';
  }
)
