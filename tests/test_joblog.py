"""The job log: commands as lines that paste into a shell, wrapped for reading."""

import subprocess

from f.nix.common.joblog import COMMAND_WIDTH, command_line

ARGV = [
    "nix",
    "--extra-experimental-features",
    "nix-command flakes",
    "--log-format",
    "internal-json",
    "build",
    "path:/var/lib/workers/0/nix/.generations/dev1/g1795598035685113391-20648#toplevel",
    "--json",
    "--option",
    "substituters",
    "https://cache.example.org file:///srv/cache",
    "--out-link",
    "/var/lib/workers/0/nix/.gcroots/dev1",
]


def test_a_long_command_wraps_before_options():
    lines = command_line(ARGV).splitlines()
    assert len(lines) > 1
    assert all(line.endswith(" \\") for line in lines[:-1])
    assert all(line.startswith("    --") for line in lines[1:])
    # Only an option group too long to share a line goes past the width.
    for line in lines:
        assert len(line) <= COMMAND_WIDTH + 2 or " --" not in line.strip()[2:], line


def test_the_wrapped_command_is_the_same_command_to_a_shell():
    shown = command_line(ARGV)
    script = f"nix() {{ printf '%s\\n' \"$@\"; }}\n{shown}\n"
    completed = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    assert completed.stdout.splitlines() == ARGV[1:]


def test_a_short_command_stays_on_one_line():
    assert command_line(["nix", "--version"]) == "nix --version"
