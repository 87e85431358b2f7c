# fio from nixpkgs, with its release-specific patches dropped when another
# source replaces the pinned one: they are backports that a newer tree
# already carries and would no longer apply.
#
# io_uring: fio's io_uring and io_uring_cmd engines are built into every
# Linux fio (engines/io_uring.c with fio's own os/linux/io_uring.h and raw
# system calls, on every architecture with ARCH_HAVE_IOURING); fio 3.41's
# configure has no liburing probe at all, so nixpkgs' fio
# (pkgs/by-name/fi/fio/package.nix) already has them and liburing would
# add nothing. What nixpkgs leaves out is below: `make` builds t/io_uring,
# fio's io_uring exerciser, but `make install` does not install it, nor
# the test scripts under t/ nor the example job files.
{ prev }:

prev.fio.overrideAttrs (
  finalAttrs: prevAttrs:
  let
    overridden = import ./source-override.nix finalAttrs prevAttrs;
    # What a missing piece does: fail the pinned release, skip it in
    # another tree.
    onMissing = if overridden then "return 1" else "exit 1";
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

    # Installed under share/fio, which the devel profile links into
    # /run/current-system/sw (share/doc is not linked when documentation is
    # off, as it is in the imageless guest). The pinned release must have
    # every piece; another tree installs what it has.
    postInstall = (prevAttrs.postInstall or "") + ''
      want() {
        if [ ! -e "$1" ]; then
          echo "fio: no $1 in this source tree"
          ${onMissing}
        fi
      }
      # t/io_uring: drives io_uring (or, with -u1, NVMe passthrough)
      # directly to measure what the block layer and a device can do.
      if want t/io_uring; then
        install -m 755 t/io_uring "$out/bin/fio-io-uring"
      fi
      # The storage stack tests (t/nvmept*.py: FDP, protection information,
      # streams, trim; t/zbd: zoned block devices; t/run-fio-tests.py) and
      # the job files some of them read.
      mkdir -p "$out/share/fio/t"
      find t -maxdepth 1 -type f \( -name '*.py' -o -name '*.sh' \) \
        -exec cp -p {} "$out/share/fio/t/" \;
      for directory in t/zbd t/jobs; do
        if want "$directory"; then
          cp -rp "$directory" "$out/share/fio/t/"
        fi
      done
      if want examples; then
        mkdir -p "$out/share/fio/examples"
        cp -p examples/*.fio "$out/share/fio/examples/"
      fi
    '';
  }
)
