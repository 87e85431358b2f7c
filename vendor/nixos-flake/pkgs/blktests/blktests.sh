#!/usr/bin/env bash
# Run blktests' ./check from the read-only store tree (@tree@). Results go to
# $BLKTESTS_OUTPUT (default /var/lib/blktests/results); the config file is
# $BLKTESTS_CONFIG (default /etc/blktests/config) when it exists. Options
# given on the command line win over both. The tools the tests call are put
# on PATH by the package's wrapper.
set -e
output=${BLKTESTS_OUTPUT:-/var/lib/blktests/results}
config=${BLKTESTS_CONFIG:-/etc/blktests/config}
args=(-o "$output")
if [ -r "$config" ]; then
  args+=(-c "$config")
fi
cd @tree@
exec ./check "${args[@]}" "$@"
