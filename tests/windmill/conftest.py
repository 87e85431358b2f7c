import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import REPOSITORY

HERE = Path(__file__).resolve().parent


def run_node_tool(script: str, files: list[Path]) -> dict:
    """Run one of Windmill's npm tools (through a small .mjs driver) on files of this repository."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed; dev/setup installs Windmill's tools with npm")
    if not (REPOSITORY / "node_modules" / "windmill-yaml-validator").is_dir():
        pytest.skip("Windmill's npm tools are not installed: run dev/setup (npm ci)")
    completed = subprocess.run(
        ["node", str(HERE / script), *(str(f.relative_to(REPOSITORY)) for f in files)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)
