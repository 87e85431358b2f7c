"""dev/current-nix picks the host's nix when it is 2.18 or newer, else the Debian 13 root;
--debian13 and --sid name a root.

Only what needs no root: which one it picks for a given `nix --version` (a stand-in
nix on PATH says it), that the host's nix runs the command as given, and the usage errors.
Making and entering the root takes root and minutes; .ci/run does that.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import REPOSITORY

SCRIPT = REPOSITORY / "dev" / "current-nix"


def fake_nix(directory, version_line: str, sandbox: str = "true"):
    """A `nix` that prints VERSION_LINE for --version and SANDBOX for `config show sandbox`."""
    directory.mkdir(exist_ok=True)
    nix = directory / "nix"
    nix.write_text(
        "#!/bin/sh\n"
        'case "$*" in\n'
        f"  *--version*) printf '%s\\n' '{version_line}' ;;\n"
        f"  *'config show sandbox'*) echo {sandbox} ;;\n"
        "  *) exit 1 ;;\n"
        "esac\n"
    )
    nix.chmod(0o755)
    return directory


def run(*args: str, path: str, **kwargs) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBIAN13_ROOT", "DEBIAN_SID_ROOT")
    }
    return subprocess.run(
        [str(SCRIPT), *args],
        env={**environment, "PATH": path},
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("version_line", "where"),
    [
        ("nix (Nix) 2.8.0", "debian13"),  # Debian 12
        ("nix (Nix) 2.17.1", "debian13"),
        ("nix (Nix) 2.18.0", "host"),
        ("nix (Nix) 2.26.3", "host"),  # Debian 13
        ("nix (Nix) 2.31.2pre", "host"),
        ("nix (Nix) 2.9", "debian13"),
        ("nix (Nix) 2.100.0", "host"),
        ("nix (Nix) 3.0.0", "host"),
        ("nix (Nix) 1.99.0", "debian13"),
        ("nix (Nix) 2.08.0", "debian13"),  # leading zero: 8, not octal
        ("nix (Nix) 2.26.3   ", "host"),
        ("nix (Lix, like Nix) 2.91.1", "host"),
        ("nix (Determinate Nix 3.6.2) 2.29.0", "host"),
        ("nix", "debian13"),
        ("something else entirely", "debian13"),
        ("", "debian13"),
    ],
)
def test_which_nix_runs_for_a_version(tmp_path, version_line, where):
    bin_dir = fake_nix(tmp_path / "bin", version_line)
    completed = run("--which", path=f"{bin_dir}:/usr/bin:/bin")
    assert (completed.returncode, completed.stdout) == (0, f"{where}\n"), completed.stderr


def test_without_nix_it_is_the_root(tmp_path):
    # bash, but no nix: PATH holds only a link to bash and the coreutils the script uses.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    completed = run("--which", path=str(bin_dir))
    assert (completed.returncode, completed.stdout) == (0, "debian13\n"), completed.stderr


def test_a_failing_nix_is_the_root(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "nix").write_text("#!/bin/sh\necho 'nix (Nix) 2.26.3'\nexit 1\n")
    (bin_dir / "nix").chmod(0o755)
    completed = run("--which", path=f"{bin_dir}:/usr/bin:/bin")
    assert completed.stdout == "debian13\n"


@pytest.mark.parametrize("root", ["debian13", "sid"])
def test_a_named_root_is_used_whatever_the_host_has(tmp_path, root):
    bin_dir = fake_nix(tmp_path / "bin", "nix (Nix) 2.31.2pre")
    completed = run(f"--{root}", "--which", path=f"{bin_dir}:/usr/bin:/bin")
    assert (completed.returncode, completed.stdout) == (0, f"{root}\n"), completed.stderr


def test_a_new_enough_host_nix_runs_the_command_here_as_given(tmp_path):
    bin_dir = fake_nix(tmp_path / "bin", "nix (Nix) 2.26.3", sandbox="true")
    completed = run(
        "printf", "[%s]", "two words", "--debian13", "", path=f"{bin_dir}:/usr/bin:/bin"
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "[two words][--debian13][]"
    assert completed.stderr == "current-nix: Nix 2.26.3 (sandbox true), the host's\n"


def test_the_commands_exit_status_is_its_own(tmp_path):
    bin_dir = fake_nix(tmp_path / "bin", "nix (Nix) 2.26.3")
    completed = run("sh", "-c", "exit 7", path=f"{bin_dir}:/usr/bin:/bin")
    assert completed.returncode == 7


@pytest.mark.parametrize("args", [[], ["--debian13"], ["--sid"], ["--help"]])
def test_without_a_command_it_prints_its_usage(tmp_path, args):
    bin_dir = fake_nix(tmp_path / "bin", "nix (Nix) 2.26.3")
    completed = run(*args, path=f"{bin_dir}:/usr/bin:/bin")
    assert completed.returncode == 2
    assert completed.stderr.startswith(
        "usage: dev/current-nix [--debian13|--sid] COMMAND [ARGS...]"
    )
    assert completed.stdout == ""


def nix_report(bin_dir: Path) -> subprocess.CompletedProcess:
    """dev/lib/nix-report with the nix in ``bin_dir`` first on PATH."""
    return subprocess.run(
        [str(REPOSITORY / "dev" / "lib" / "nix-report")],
        env={**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


def test_nix_report_names_version_and_sandbox(tmp_path):
    bin_dir = fake_nix(tmp_path / "bin", "nix (Nix) 2.31.2pre", sandbox="false")
    completed = nix_report(bin_dir)
    assert completed.stdout == "Nix 2.31.2pre (sandbox false)\n", completed.stderr


def test_nix_report_asks_show_config_before_nix_2_20(tmp_path):
    """Nix 2.8 has no `nix config show`; its `nix show-config` prints `sandbox = false`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "nix").write_text(
        "#!/bin/sh\n"
        'case "$*" in\n'
        "  *--version*) echo 'nix (Nix) 2.8.0' ;;\n"
        "  *show-config*) printf 'sandbox-fallback = true\\nsandbox = false\\n' ;;\n"
        "  *) echo \"error: 'config' is not a recognised command\" >&2; exit 1 ;;\n"
        "esac\n"
    )
    (bin_dir / "nix").chmod(0o755)
    completed = nix_report(bin_dir)
    assert completed.stdout == "Nix 2.8.0 (sandbox false)\n", completed.stderr
