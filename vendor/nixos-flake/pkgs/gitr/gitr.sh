#!/usr/bin/env bash
# usage: gitr [DIR [MAKE-ARGS...]]
# Copy the built git tree (@tree@) into DIR (default ${GITR_DIR:-/var/lib/gitr})
# and run git's test suite there: make -C DIR/git/t MAKE-ARGS. make, perl and
# python are put on PATH by the package's wrapper.
set -eu
dir=${1:-${GITR_DIR:-/var/lib/gitr}}
[ $# -gt 0 ] && shift
mkdir -p "$dir"
rm -rf "$dir/git"
cp -a @tree@ "$dir/git"
chmod -R u+w "$dir/git"
exec make -C "$dir/git/t" "$@"
