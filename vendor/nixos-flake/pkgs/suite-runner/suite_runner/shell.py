"""Reading bash configuration files the suites source, the way bash reads them."""

import subprocess


def assignments(script: str) -> dict[str, str]:
    """The variables a bash snippet sets (exported or not), after running it."""
    completed = subprocess.run(
        ["bash", "-c", 'set -a; eval "$1" >/dev/null 2>&1; env -0', "suite-run", script],
        capture_output=True,
        env={"PATH": "/run/current-system/sw/bin:/usr/bin:/bin"},
        check=False,
    )
    variables = {}
    for entry in completed.stdout.decode(errors="replace").split("\0"):
        name, equals, value = entry.partition("=")
        if equals:
            variables[name] = value
    return variables
