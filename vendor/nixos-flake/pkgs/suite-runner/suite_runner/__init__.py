"""suite-run: run one test suite in the guest and file its results per kernel release.

    suite-run SUITE INSTANCE [--results DIR] [-- EXTRA-ARGS...]

Every suite's systemd template unit (xfstests@<section>, blktests@<group>,
kselftest@<collection>, ltp@<runtest>, mmtests@<config>, pynfs@<version>,
sysbench@<workload>, gitr@<directory>) runs this. It says what it found
before it runs anything (the kernel release, the kernel's config, whether
the results directory is the host's share), stops with every missing
prerequisite named when one is missing (exit status 2), runs the suite
with its output to the journal and to output.log, and files the run under
DIR/<kernel release>/<timestamp>/ with summary.json: counts of passed,
failed, skipped and not-run tests, and each test's status. Exit status 0
when nothing failed, 1 when a test failed or the suite itself failed.
"""
