#!/usr/bin/env bash
# usage: gitr DIR [MAKE-ARGS...]
# Copy git's source (@source@) into DIR/git, build it there with make, and
# run its test suite in DIR/git/t. DIR should be on the file system under
# test, and the caller an unprivileged user who owns it. Without MAKE-ARGS
# every t[0-9]*.sh script runs as its own make target (not `make test`,
# whose cleanup deletes the results) and each leaves
# DIR/git/t/test-results/<script>.counts; MAKE-ARGS run `make -C DIR/git/t
# MAKE-ARGS` instead.
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
tests=$dir/git/t
if [ $# -gt 0 ]; then
  exec make -C "$tests" -j"$jobs" -k "${flags[@]}" "$@"
fi
mapfile -t scripts < <(cd "$tests" && ls t[0-9][0-9][0-9][0-9]-*.sh)
make -C "$tests" "${flags[@]}" pre-clean
status=0
make -C "$tests" -j"$jobs" -k "${flags[@]}" "${scripts[@]}" || status=$?
make -C "$tests" "${flags[@]}" aggregate-results || true
exit $status
