"""The stub nixpkgs builds with nix's sandbox on (Debian 13's default) and off (Debian 12's)."""

import os
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.support import (
    OFFLINE_NIX_CONFIG,
    REPOSITORY,
    STUB_SANDBOX_PATHS,
    cannot_build,
    explain_stub_build_failure,
    nix,
    run_steps,
)

NO_NAMESPACES = "does not support the kernel namespaces that are required for sandboxing"


def nix_with(config: str, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, capture_output=True, text=True, env={**os.environ, "NIX_CONFIG": config}
    )


@pytest.mark.nix
@pytest.mark.parametrize("sandbox", ["true", "false"])
def test_the_stub_builds_with_the_sandbox_on_and_off(workers_dir, monkeypatch, sandbox):
    config = f"{OFFLINE_NIX_CONFIG}\nsandbox = {sandbox}\nsandbox-fallback = false"
    monkeypatch.setenv("NIX_CONFIG", config)
    # New, so that nix builds it here; stubSlowBuild makes its builder sleep too.
    unique = f"unique{uuid.uuid4().hex}"
    try:
        result = run_steps(
            vm_name="sandbox", test_suites=[], extra_packages=["stubSlowBuild", unique]
        )
    except Exception as error:
        if NO_NAMESPACES in str(error):
            pytest.skip(f"nix cannot sandbox here: {NO_NAMESPACES}")
        raise
    assert (Path(result["toplevel"]) / "boot.json").is_file()
    assert os.access(result["init"], os.X_OK)
    # The initrd is the same for every config and was built before: build it again.
    initrd = nix(
        "eval", "--raw", f"path:{Path(result['config_dir']).resolve()}#toplevel.initrd.drvPath"
    )
    assert initrd.returncode == 0, initrd.stderr
    again = nix_with(config, "nix-store", "--realise", "--check", initrd.stdout)
    assert again.returncode == 0, again.stderr


def test_dev_demo_gives_nix_the_tests_config():
    lines = (REPOSITORY / "dev" / "demo").read_text().split("\nexport NIX_CONFIG=", 1)[1]
    assignment = "export NIX_CONFIG=" + lines.split('}"\n', 1)[0] + '}"'
    completed = subprocess.run(
        ["bash", "-c", f'unset NIX_CONFIG; {assignment}; printf %s "$NIX_CONFIG"'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout == OFFLINE_NIX_CONFIG


def test_the_sandbox_gets_a_real_shell_and_the_host_tools():
    shell = STUB_SANDBOX_PATHS[-1].removeprefix("/bin/sh=")
    assert Path(shell).is_file() and not Path(shell).is_symlink()
    assert {"/usr?", "/lib?", "/lib64?"} <= set(STUB_SANDBOX_PATHS)


# What stub_build_problem's probe got from Nix 2.26.3 as an untrusted user of a
# sandboxing nix-daemon on Debian 13 (captured, 2026-12-02).
UNTRUSTED = """\
warning: ignoring the client-specified setting 'sandbox-paths', because it is a restricted setting and you are not a trusted user
this derivation will be built:
  /nix/store/dli2qbm3lwjwd8zzy4fagx63j6qqsphx-stub-builder-probe.drv
building '/nix/store/dli2qbm3lwjwd8zzy4fagx63j6qqsphx-stub-builder-probe.drv'...
error: builder for '/nix/store/dli2qbm3lwjwd8zzy4fagx63j6qqsphx-stub-builder-probe.drv' failed with exit code 127;
       last 1 log lines:
       > sh: line 1: mkdir: command not found
       For full logs, run:
         nix-store -l /nix/store/dli2qbm3lwjwd8zzy4fagx63j6qqsphx-stub-builder-probe.drv
"""


def test_an_untrusted_user_is_told_what_to_change():
    message = explain_stub_build_failure(UNTRUSTED)
    assert "you are not a trusted user" in message
    assert "extra-sandbox-paths = /usr? /lib? /lib64? /bin/sh=" in message
    assert "/etc/nix/nix.conf" in message and "trusted-users" in message
    assert "mkdir: command not found" in message


# Nix 2.34.8 (the dev/current-nix --sid root, 2026-12-05) building the probe with a
# builder that cannot find mkdir: the reason is a line of its own after "Cannot build".
CANNOT_BUILD = """\
this derivation will be built:
  /nix/store/fg7hj83faab86sm2jk7084ak694ahznx-stub-builder-probe.drv
building '/nix/store/fg7hj83faab86sm2jk7084ak694ahznx-stub-builder-probe.drv'...
error: Cannot build '/nix/store/fg7hj83faab86sm2jk7084ak694ahznx-stub-builder-probe.drv'.
       Reason: builder failed with exit code 127.
       Output paths:
         /nix/store/pm66p4n7rrbx9nra659snx3l5ifym23p-stub-builder-probe
       Last 1 log lines:
       > sh: line 1: mkdir: command not found
       For full logs, run:
         nix log /nix/store/fg7hj83faab86sm2jk7084ak694ahznx-stub-builder-probe.drv
"""


def test_nix_2_34s_reason_line_is_kept():
    message = explain_stub_build_failure(CANNOT_BUILD)
    said = message.split("nix said: ", 1)[1]
    assert said == (
        "error: Cannot build "
        "'/nix/store/fg7hj83faab86sm2jk7084ak694ahznx-stub-builder-probe.drv'. | "
        "Reason: builder failed with exit code 127. | "
        "> sh: line 1: mkdir: command not found"
    )


def test_a_test_that_cannot_build_skips_and_fails_where_builds_are_required(monkeypatch):
    monkeypatch.delenv("STUB_BUILDS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no sandbox"):
        cannot_build("no sandbox")
    monkeypatch.setenv("STUB_BUILDS", "required")
    with pytest.raises(pytest.fail.Exception, match="STUB_BUILDS=required: no sandbox"):
        cannot_build("no sandbox")
