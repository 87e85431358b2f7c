"""suite-run's command line: the checks, the run and the summary, in that order."""

import argparse
import datetime
import os
import pwd
import subprocess
import sys
import time
from pathlib import Path

from suite_runner import kconfig, results
from suite_runner.host import current
from suite_runner.suite import Command, PrepareError, Suite
from suite_runner.suites import SUITES


def say(message: str) -> None:
    print(f"suite-run: {message}", flush=True)


def run_and_log(command: Command, log: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run the suite, its output both to our stdout (the journal) and to log."""
    preexec = None
    if command.user:
        account = pwd.getpwnam(command.user)
        env = {**env, "HOME": account.pw_dir, "USER": command.user, "LOGNAME": command.user}

        def preexec() -> None:
            os.initgroups(command.user, account.pw_gid)
            os.setgid(account.pw_gid)
            os.setuid(account.pw_uid)

    lines = []
    with log.open("w") as output:
        process = subprocess.Popen(
            command.argv,
            cwd=command.cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            preexec_fn=preexec,
        )
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            output.write(line)
            lines.append(line)
        return process.wait(), "".join(lines)


def suite_env(config: Path | None, command: Command) -> dict[str, str]:
    """The runner's environment, with KCONFIG_PATH (a plain-text config) and the suite's own."""
    env = dict(os.environ)
    if config is not None and not config.name.endswith(".gz"):
        env["KCONFIG_PATH"] = str(config)
    env.update(command.env)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="suite-run", description=__doc__)
    parser.add_argument("suite", choices=sorted(SUITES))
    parser.add_argument("instance", help="the unit's instance: section, group, collection, ...")
    parser.add_argument("--results", help="results directory (default: the suite's own)")
    parser.add_argument("extra", nargs="*", help="more arguments for the suite's command")
    # Intermixed: `suite-run fstests xfs --results DIR -- -g quick` keeps -g quick.
    options = parser.parse_intermixed_args(argv)

    host = current()
    suite: Suite = SUITES[options.suite]
    results_dir = host.path(options.results or suite.results)

    say(f"{suite.name}@{options.instance} on kernel {host.release}")
    config = kconfig.find(host)
    say(f"kernel config: {config}" if config else f"warning: {kconfig.missing_message(host)}")
    on_host, where = results.on_host(host, results_dir)
    say(where if on_host else f"warning: {where}")

    problems = suite.check(host, options.instance)
    if problems:
        for problem in problems:
            print(f"suite-run: missing: {problem}", file=sys.stderr, flush=True)
        print(
            f"suite-run: {suite.name}@{options.instance} not started: "
            f"{len(problems)} prerequisite(s) missing",
            file=sys.stderr,
        )
        return 2

    try:
        for done in suite.prepare(host, options.instance):
            say(done)
    except (PrepareError, OSError) as error:
        # OSError: a mount point or work directory that cannot be made.
        print(f"suite-run: {suite.name}@{options.instance} not started: {error}", file=sys.stderr)
        return 2
    run_dir = results.new_run_dir(results_dir, host.release)
    command = suite.command(host, options.instance, run_dir, options.extra)
    say(f"results in {run_dir}")
    say(f"running in {command.cwd}: {' '.join(command.argv)}")
    summary = results.Summary(
        suite=suite.name,
        instance=options.instance,
        kernel_release=host.release,
        started=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        command=command.argv,
        kernel_config=str(config) if config else None,
        results_on_host=on_host,
    )
    started = time.monotonic()
    try:
        status, output = run_and_log(command, run_dir / "output.log", suite_env(config, command))
    except OSError as error:
        # The suite's program could not be started: a failed run, filed as such.
        print(f"suite-run: cannot run {command.argv[0]}: {error}", file=sys.stderr, flush=True)
        status, output = 127, ""
    tests = suite.collect(host, options.instance, run_dir, output)
    summary.finish(status, time.monotonic() - started, tests)
    summary.write(run_dir)
    say(summary.line())
    say(f"summary: {run_dir / 'summary.json'}")
    return 1 if summary.failed else 0
