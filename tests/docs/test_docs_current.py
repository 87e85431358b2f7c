"""The docs that repeat flow.yaml's input schema are what dev/docs-inputs writes from it."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support import REPOSITORY

SCRIPT = REPOSITORY / "dev" / "docs-inputs.py"
FLOW = Path("f/nix/build/flow.yaml")


def docs_inputs():
    spec = importlib.util.spec_from_file_location("docs_inputs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def checkout_copy(tmp_path: Path) -> Path:
    """The flow and every file the script writes, in a directory of their own."""
    root = tmp_path / "checkout"
    for path in [FLOW, *docs_inputs().TARGETS]:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPOSITORY / path, root / path)
    return root


def check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_committed_docs_are_what_dev_docs_inputs_writes():
    stale = docs_inputs().stale_files(REPOSITORY)
    assert stale == [], (
        f"{', '.join(stale)}: not what {FLOW}'s schema says; run dev/docs-inputs "
        "and commit the result"
    )


def test_a_changed_schema_makes_the_docs_stale_until_the_script_runs(tmp_path):
    root = checkout_copy(tmp_path)
    assert check(root).returncode == 0
    flow = yaml.safe_load((root / FLOW).read_text())
    guest = flow["schema"]["properties"]["guest"]["properties"]
    guest["vm_name"]["title"] = "Name of the machine"
    guest["vm_name"]["default"] = "guest0"
    (root / FLOW).write_text(yaml.safe_dump(flow, sort_keys=False))

    stale = check(root)
    assert stale.returncode == 1
    for path in docs_inputs().TARGETS:
        assert f"{path}: differs from {FLOW}'s schema; run dev/docs-inputs" in stale.stderr
    assert "guest0" not in (root / "docs/inputs.rst").read_text()

    written = subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root)], capture_output=True, text=True
    )
    assert written.returncode == 0, written.stderr
    assert check(root).returncode == 0
    reference = (root / "docs/inputs.rst").read_text()
    assert '``guest.vm_name``: Name of the machine\n    string; default ``"guest0"``' in reference


def test_the_text_around_the_markers_is_left_as_written(tmp_path):
    root = checkout_copy(tmp_path)
    doc = root / "docs/inputs.rst"
    before, after = "A line written by hand.\n\n", "\nAnother, after the end marker.\n"
    doc.write_text(before + doc.read_text() + after)
    subprocess.run([sys.executable, str(SCRIPT), "--root", str(root)], check=True)
    text = doc.read_text()
    assert text.startswith(before) and text.endswith(after)
    assert check(root).returncode == 0


def test_a_file_without_its_markers_is_an_error_that_names_them(tmp_path):
    root = checkout_copy(tmp_path)
    doc = root / "docs/inputs.rst"
    doc.write_text(doc.read_text().replace(".. inputs-reference: end\n", ""))
    completed = check(root)
    assert completed.returncode == 1
    assert "docs/inputs.rst has no '.. inputs-reference: begin' ... " in completed.stderr
