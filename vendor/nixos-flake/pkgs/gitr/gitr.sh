#!/usr/bin/env bash
# usage: gitr DIR [MAKE-ARGS...]
# Copy git's source (@source@) into DIR/git, build it there with make, and
# run its test suite in DIR/git/t (make MAKE-ARGS, default `test`). DIR
# should be on the file system under test, and the caller an unprivileged
# user who owns it. Each test script leaves DIR/git/t/test-results/<script>.counts.
# GITR_JOBS sets make's parallelism (default: the number of CPUs).
set -eu
if [ $# -lt 1 ]; then
  echo "usage: gitr DIR [MAKE-ARGS...]" >&2
  exit 2
fi
dir=$1
shift
jobs=${GITR_JOBS:-$(nproc)}
flags=(
  "SHELL_PATH=@bash@"
  "PERL_PATH=@perl@"
  "PYTHON_PATH=@python@"
  "CURL_CONFIG=@curl_config@"
  "CFLAGS=@cflags@"
  "LDFLAGS=@ldflags@"
  "USE_LIBPCRE2=1"
  "NO_TCLTK=1"
  "NO_GETTEXT=1"
)
mkdir -p "$dir"
rm -rf "$dir/git"
cp -R @source@ "$dir/git"
chmod -R u+w "$dir/git"
echo "gitr: building git in $dir/git with $jobs jobs"
make -C "$dir/git" -j"$jobs" "${flags[@]}"
echo "gitr: running the tests in $dir/git/t"
if [ $# -eq 0 ]; then
  set -- test
fi
exec make -C "$dir/git/t" -j"$jobs" -k "${flags[@]}" "$@"
