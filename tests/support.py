"""What the tests share: where things are, how to run the flow and nix, and test data.

Fixtures live in conftest.py; everything else a test imports comes from here.
A test that needs the nix CLI says so with ``@pytest.mark.nix`` (or a
module's ``pytestmark``): conftest skips it where nix is absent and gives it
nix with no binary cache.
"""

import base64
import functools
import json
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from f.nix.common.library_contract import PROFILES, TEST_SUITES
from f.nix.common.nix_command import nix_argv
from localflow.flow_runner import load_flow

REPOSITORY = Path(__file__).resolve().parent.parent
STUB_NIXPKGS = REPOSITORY / "tests" / "stub-nixpkgs"
LIBRARY = REPOSITORY / "vendor" / "nixos-flake"
FLOW_FILE = REPOSITORY / "f" / "nix" / "build" / "flow.yaml"
# The flow's steps, in order (test_localflow pins them).
STEPS = tuple(step.id for step in load_flow(FLOW_FILE)[1])

HAVE_NIX = shutil.which("nix") is not None
NIX_MISSING = "nix is not on PATH (Debian: apt-get install nix-bin; dev/setup does)"
# What the stub builders (tests/stub-nixpkgs, bench/slow-stub-flake.nix) need from the
# host inside nix's sandbox, where it is on (Debian 13's default): mkdir, chmod and sleep
# from /usr, the libraries and loader they link to, and a /bin/sh (Debian 12's nix lends
# none; Debian 13's lends a static bash without them). extra-sandbox-paths is a restricted
# setting: nix takes it from root, a trusted user or a single-user install, and a daemon
# ignores it from anyone else (stub_build_problem says so).
STUB_SANDBOX_PATHS = ("/usr?", "/lib?", "/lib64?", f"/bin/sh={os.path.realpath('/bin/sh')}")
# No binary cache: the tests never wait on the network. dev/demo sets the same.
OFFLINE_NIX_CONFIG = "substituters =\nextra-sandbox-paths = " + " ".join(STUB_SANDBOX_PATHS)

# The library's checks.<system> names, as checks/default.nix writes them out.
CHECKS = sorted(
    ["backend-imageless", "featured", "mounts-shares", "mounts-storage"]
    + [f"profile-{name}" for name in PROFILES]
    + [f"suite-{name}" for name in TEST_SUITES]
)


def stub_nixpkgs_ref() -> str:
    return f"path:{STUB_NIXPKGS}"


def nix(*args: str) -> subprocess.CompletedProcess:
    """The nix CLI with flakes enabled and no binary cache, as the steps call it."""
    return subprocess.run(
        nix_argv(args),
        capture_output=True,
        text=True,
        env={**os.environ, "NIX_CONFIG": OFFLINE_NIX_CONFIG},
    )


# A derivation built the way the stub's are, new on every call (nonce).
_PROBE = """derivation {{
  name = "stub-builder-probe";
  system = "x86_64-linux";
  builder = "/bin/sh";
  PATH = "/usr/bin:/bin";
  nonce = "{nonce}";
  args = [ "-c" "mkdir -p $out && chmod 755 $out && sleep 0" ];
}}"""


@functools.cache
def stub_build_problem() -> str | None:
    """Why the stub builders cannot run under this nix and its config; None when they can.

    Builds a probe like them once per test session, so that a nix.conf they cannot
    work under skips the tests that build, with what to change, instead of failing
    each of them on ``mkdir: command not found``.
    """
    # Twice: a build can fail once for reasons of the moment (seen once under Nix 2.34
    # in a CI run, never again); a nix.conf the stubs cannot work under fails both.
    for _attempt in range(2):
        completed = nix(
            "build", "--impure", "--no-link", "--expr", _PROBE.format(nonce=os.urandom(8).hex())
        )
        if completed.returncode == 0:
            return None
    return explain_stub_build_failure(completed.stderr)


def cannot_build(reason: str) -> None:
    """Skip a test that needs the stub's builds, saying why; fail it under
    STUB_BUILDS=required (CI), where a run that skips every build proves little."""
    if os.environ.get("STUB_BUILDS") == "required":
        pytest.fail(f"STUB_BUILDS=required: {reason}")
    pytest.skip(reason)


# What nix prints around a failed build that says nothing of why; nix 2.34 gives the
# reason on lines of their own after "error: Cannot build", so those lines are kept.
_NIX_BUILD_NOISE = (
    "this derivation",
    "/nix/",
    "building '",
    "Output paths:",
    "last ",
    "Last ",
    "For full logs",
    "nix-store -l",
    "nix log",
)


def explain_stub_build_failure(stderr: str) -> str:
    """What to change so that the stub builders can run, from the failed probe's stderr."""
    setting = "extra-sandbox-paths = " + " ".join(STUB_SANDBOX_PATHS)
    said = [line.strip() for line in stderr.splitlines()]
    said = [line for line in said if line and not line.startswith(_NIX_BUILD_NOISE)][-6:]
    if "not a trusted user" in stderr:
        cause = (
            "nix's sandbox is on and the nix daemon ignores extra-sandbox-paths from you, "
            "as you are not a trusted user"
        )
    else:
        cause = "a build like the stub's fails under this nix.conf"
    return (
        f"{cause}: the stub builders need the host's mkdir, chmod and sleep. Add "
        f"`{setting}` to /etc/nix/nix.conf (or add yourself to its trusted-users, or set "
        f"sandbox = false there) and restart nix-daemon. nix said: {' | '.join(said)}"
    )


def nix_eval_json(expression: str) -> object:
    """Evaluate a Nix expression with the real nix-instantiate and return it as JSON."""
    completed = subprocess.run(
        ["nix-instantiate", "--eval", "--strict", "--json", "--expr", expression],
        capture_output=True,
        text=True,
        env={**os.environ, "NIX_CONFIG": OFFLINE_NIX_CONFIG},
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@functools.cache
def _input_groups() -> dict[str, str]:
    """Each input of the flow's schema by name, and the group (guest, closure, ...) it is in."""
    properties = yaml.safe_load(FLOW_FILE.read_text())["schema"]["properties"]
    return {name: group for group, spec in properties.items() for name in spec["properties"]}


def flow_inputs(**inputs) -> dict:
    """The flow's grouped inputs from flat names.

    ``flow_inputs(vm_name="x", dry_run=True)`` is
    ``{"guest": {"vm_name": "x"}, "build": {"dry_run": True}}``. Names the
    schema does not have stay at the top, where the runner refuses them.
    """
    grouped: dict = {}
    for name, value in inputs.items():
        group = _input_groups().get(name)
        if group is None:
            grouped[name] = value
        else:
            grouped.setdefault(group, {})[name] = value
    return grouped


def localflow_argv(inputs: dict) -> list[str]:
    return [sys.executable, "-m", "localflow", "f/nix/build", "--inputs", json.dumps(inputs)]


def run_localflow(inputs: dict, env: dict | None = None) -> subprocess.CompletedProcess:
    """The local runner on the f/nix/build flow, as docs/development.rst has a user run it."""
    return subprocess.run(
        localflow_argv(inputs),
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def render_and_lock(**render_inputs) -> str:
    """render_config then lock_config against the stub nixpkgs, in this process: the config_dir."""
    from f.nix.build import lock_config, render_config

    config_dir = render_config.main(**render_inputs)["config_dir"]
    lock_config.main(config_dir, nixpkgs=stub_nixpkgs_ref())
    return config_dir


def run_steps(**render_inputs) -> dict:
    """The flow's three steps in this process, locked against the stub nixpkgs."""
    from f.nix.build import build_closure

    return build_closure.main(render_and_lock(**render_inputs))


def process_ended(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` is gone (or a zombie nobody reaped yet) within ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return True
        if stat.rpartition(")")[2].split()[0] == "Z":
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def public_key(key_type: str = "ssh-ed25519", comment: str = "me@host") -> str:
    """A well-formed OpenSSH public key line of ``key_type``."""
    name = key_type.encode()
    blob = struct.pack(">I", len(name)) + name + struct.pack(">I", 32) + bytes(range(32))
    return f"{key_type} {base64.b64encode(blob).decode()} {comment}".strip()


def snapshot(*roots: Path) -> dict[str, tuple]:
    """Every entry under the roots: its kind, content or link target, and mode."""
    entries: dict[str, tuple] = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                path = Path(dirpath) / name
                if path.is_symlink():
                    entries[str(path)] = ("link", os.readlink(path))
                elif path.is_dir():
                    entries[str(path)] = ("dir", path.stat().st_mode)
                else:
                    entries[str(path)] = ("file", path.read_bytes(), path.stat().st_mode)
    return entries


def logged_commands(log: str) -> list[str]:
    """The commands a job log shows (``+ ...`` lines), each with its continuations joined."""
    commands: list[str] = []
    continuing = False
    for line in log.splitlines():
        if continuing:
            commands[-1] += " " + line.strip().removesuffix(" \\")
        elif line.startswith("+ "):
            commands.append(line[2:].removesuffix(" \\"))
        else:
            continue
        continuing = line.endswith(" \\")
    return commands


def wait_for_build_to_start(process: subprocess.Popen) -> None:
    """Read ``process``'s stderr until nix starts building the stub's toplevel."""
    import pytest

    for line in process.stderr or ():
        if line.startswith("building '") and "nixos-system-stub" in line:
            return
    pytest.fail("the build never started")


def start_build_step(config_dir: str, env: dict | None = None, **popen) -> subprocess.Popen:
    """build_closure in a process of its own, as a worker runs a step, once nix is building."""
    build = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from f.nix.build import build_closure; build_closure.main({config_dir!r})",
        ],
        cwd=REPOSITORY,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **popen,
    )
    wait_for_build_to_start(build)
    return build
