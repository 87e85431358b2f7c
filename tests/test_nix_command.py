import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from f.nix.build.build_closure import build_args, toplevel_from_json
from f.nix.build.lock_config import lock_args
from f.nix.common import nix_command
from f.nix.common.nix_command import (
    NixCommandError,
    NixNotFoundError,
    NixVersion,
    json_format_args,
    nix_argv,
    nix_version,
    run_nix,
)
from tests.support import REPOSITORY, logged_commands, process_ended

NIX_2_8 = NixVersion(2, 8, 0)
NIX_CURRENT = NixVersion(2, 28, 3)


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("nix (Nix) 2.8.0\n", NixVersion(2, 8, 0)),
        ("nix (Nix) 2.24.10", NixVersion(2, 24, 10)),
        ("nix (Determinate Nix 3.6.2) 2.29.0", NixVersion(2, 29, 0)),
        ("nix (Nix) 2.19", NixVersion(2, 19, 0)),
    ],
)
def test_version_parsing(text, version):
    assert NixVersion.parse(text) == version


def test_version_parsing_refuses_garbage():
    with pytest.raises(RuntimeError, match="cannot read a version"):
        NixVersion.parse("no digits here")


def test_flakes_are_enabled_per_call():
    assert nix_argv(["flake", "lock", "path:/x"]) == [
        "nix",
        "--extra-experimental-features",
        "nix-command flakes",
        "flake",
        "lock",
        "path:/x",
    ]


@pytest.mark.parametrize("version", [NIX_2_8, NIX_CURRENT])
def test_plain_lock_is_the_same_on_every_version(version):
    def no_version_needed():
        raise AssertionError("a plain lock must not ask nix for its version")

    assert lock_args("path:/w/vm", no_version_needed, [], "") == ["flake", "lock", "path:/w/vm"]


def test_relock_on_nix_2_8_uses_update_input():
    assert lock_args("path:/w/vm", lambda: NIX_2_8, ["nixos-flake", "fio-src"], "path:/stub") == [
        "flake", "lock", "path:/w/vm",
        "--update-input", "nixos-flake",
        "--update-input", "fio-src",
        "--override-input", "nixos-flake/nixpkgs", "path:/stub",
    ]  # fmt: skip


@pytest.mark.parametrize("version", [NixVersion(2, 19, 0), NIX_CURRENT])
def test_relock_on_current_nix_uses_flake_update(version):
    assert lock_args("path:/w/vm", lambda: version, ["nixos-flake", "fio-src"], "path:/stub") == [
        "flake", "update", "--flake", "path:/w/vm", "nixos-flake", "fio-src",
        "--override-input", "nixos-flake/nixpkgs", "path:/stub",
    ]  # fmt: skip


def test_build_uses_json_not_print_out_paths():
    args = build_args("path:/w/vm", Path("/w/.gcroots/vm"))
    assert args[:2] == ["build", "path:/w/vm#toplevel"]
    assert "--json" in args and "--print-out-paths" not in args
    # -L or --log-format after ours would turn the internal-json stream off.
    assert not {"-L", "--print-build-logs", "--log-format"} & set(args)
    assert args[args.index("--out-link") + 1] == "/w/.gcroots/vm"


def test_build_json_is_read():
    stdout = '[{"drvPath":"/nix/store/a.drv","outputs":{"out":"/nix/store/b-system"}}]\n'
    assert toplevel_from_json(stdout) == "/nix/store/b-system"
    with pytest.raises(RuntimeError, match="cannot read the built path"):
        toplevel_from_json("not json")


@pytest.fixture
def fake_nix(tmp_path, monkeypatch):
    """Put a scripted `nix` first on PATH; returns a function that sets its body."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    def install(body: str) -> Path:
        script = bin_dir / "nix"
        script.write_text("#!/bin/sh\n" + body)
        script.chmod(0o755)
        return script

    return install


@pytest.fixture
def nix_places(tmp_path, monkeypatch):
    """NIX_BIN, PATH and the default profile as three empty directories of this test."""
    places = {name: tmp_path / name for name in ("nix_bin", "path", "profile")}
    for directory in places.values():
        directory.mkdir()
    monkeypatch.setenv("NIX_BIN", str(places["nix_bin"]))
    monkeypatch.setenv("PATH", str(places["path"]))
    monkeypatch.setattr(nix_command, "DEFAULT_PROFILE_BIN", places["profile"])
    monkeypatch.delenv("WM_JOB_ID", raising=False)
    return places


def put_nix(directory: Path, name: str) -> Path:
    """A `nix` in ``directory`` that says its ``name`` and then its arguments."""
    script = directory / "nix"
    script.write_text(f'#!/bin/sh\necho {name}\nprintf "%s\\n" "$@"\n')
    script.chmod(0o755)
    return script


def test_missing_nix_says_how_to_get_it(nix_places):
    with pytest.raises(NixNotFoundError, match="apt-get install nix-bin") as caught:
        run_nix(["--version"])
    message = str(caught.value)
    # Every place it looked, in the order it looked.
    places = [
        f"$NIX_BIN/nix ({nix_places['nix_bin'] / 'nix'}",
        f"PATH ({nix_places['path']})",
        f"the default profile ({nix_places['profile'] / 'nix'})",
    ]
    assert all(place in message for place in places), message
    assert [message.index(place) for place in places] == sorted(
        message.index(place) for place in places
    )
    assert "WHITELIST_ENVS" in message


def test_nix_bin_comes_first_then_path_then_the_default_profile(nix_places, capsys):
    for name in ("profile", "path", "nix_bin"):
        put_nix(nix_places[name], name)
        assert run_nix(["x"]).stdout.splitlines()[0] == name
        (logged,) = logged_commands(capsys.readouterr().err)
        # The logged command runs the same nix when pasted into a shell with this PATH.
        shown = shlex.split(logged)[0]
        assert shown == ("nix" if name == "path" else str(nix_places[name] / "nix"))


def test_an_unset_nix_bin_is_said_in_a_job(nix_places, monkeypatch):
    monkeypatch.setenv("WM_JOB_ID", "job-1")
    monkeypatch.setenv("NIX_BIN", "")
    with pytest.raises(
        NixNotFoundError, match=r"\$NIX_BIN \(listed in WHITELIST_ENVS but not set on the worker\)"
    ):
        run_nix(["--version"])
    put_nix(nix_places["profile"], "profile")
    assert run_nix(["x"]).stdout.splitlines()[0] == "profile"


def test_the_version_is_asked_of_the_nix_that_runs(nix_places):
    script = nix_places["nix_bin"] / "nix"
    script.write_text('#!/bin/sh\necho "nix (Nix) 2.24.1"\n')
    script.chmod(0o755)
    assert nix_version() == NixVersion(2, 24, 1)


def test_failure_carries_command_and_stderr_tail(fake_nix, capsys):
    fake_nix('for i in $(seq 1 100); do echo "line $i" >&2; done; echo "error: boom" >&2; exit 3\n')
    with pytest.raises(NixCommandError) as caught:
        run_nix(["build", "path:/w/vm#toplevel"])
    error = caught.value
    assert error.returncode == 3
    assert error.argv == nix_argv(["--log-format", "internal-json", "build", "path:/w/vm#toplevel"])
    assert error.stderr_tail[-1] == "error: boom" and "line 100" in error.stderr_tail
    assert "line 1\n" not in str(error) + "\n"
    assert shlex.join(error.argv) in str(error)
    logged = capsys.readouterr().err
    assert logged_commands(logged)[0].startswith(
        "nix --extra-experimental-features 'nix-command flakes' --log-format internal-json build"
    )
    assert "line 1\n" in logged  # streamed to the job log as it came


def test_logged_command_line_is_copy_pasteable(fake_nix, capsys, tmp_path):
    fake_nix('printf "%s\\n" "$@"\n')
    odd = "path:/w/a vm#toplevel"
    stdout = run_nix(["eval", odd, "--apply", "x: x"]).stdout
    argv = nix_argv(["--log-format", "internal-json", "eval", odd, "--apply", "x: x"])
    assert stdout.splitlines() == argv[1:]
    (logged,) = logged_commands(capsys.readouterr().err)
    assert shlex.split(logged) == argv


def test_nix_does_not_outlive_a_killed_step(fake_nix, tmp_path):
    pid_file = tmp_path / "nix.pid"
    fake_nix(f"echo $$ > {pid_file}\nexec sleep 60\n")
    step = subprocess.Popen(
        [sys.executable, "-c", "from f.nix.common.nix_command import run_nix; run_nix(['build'])"],
        cwd=REPOSITORY,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text().strip():
        assert time.monotonic() < deadline and step.poll() is None, "nix never started"
        time.sleep(0.05)
    nix_pid = int(pid_file.read_text())
    step.send_signal(signal.SIGKILL)  # the step alone, as a kill -9 or the OOM killer does
    step.wait()
    try:
        assert process_ended(nix_pid, timeout=10), "nix lives on after its step was killed"
    finally:
        if not process_ended(nix_pid, timeout=0):
            os.kill(nix_pid, signal.SIGKILL)


def test_too_old_nix_is_refused(fake_nix):
    fake_nix('echo "nix (Nix) 2.3.16"\n')
    with pytest.raises(NixNotFoundError, match="too old"):
        nix_version()


@pytest.mark.nix
def test_real_nix_version_is_detected():
    # What the nix on PATH says, asked here (test_version_parsing reads such lines).
    said = subprocess.run(["nix", "--version"], capture_output=True, text=True, check=True)
    assert nix_version() == NixVersion.parse(said.stdout)


@pytest.mark.parametrize(
    ("version_line", "args"),
    [
        ("nix (Nix) 2.8.0", []),
        ("nix (Nix) 2.26.3", []),
        ("nix (Nix) 2.32.9", []),
        ("nix (Nix) 2.33.0", ["--json-format", "2"]),
        ("nix (Nix) 2.34.8", ["--json-format", "2"]),
        ("nix (Determinate Nix 3.16.0) 2.33.1", ["--json-format", "2"]),
        ("nix (Lix, like Nix) 2.95.0", []),
    ],
)
def test_json_format_only_where_nix_takes_it(version_line, args):
    assert json_format_args(version_line) == args
