"""docs/modules.rst is what dev/docs-modules writes from the modules' docstrings."""

import importlib.util

import pytest

from tests.support import REPOSITORY

spec = importlib.util.spec_from_file_location(
    "module_index", REPOSITORY / "dev/lib/module_index.py"
)
assert spec is not None and spec.loader is not None
module_index = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module_index)


def test_the_committed_index_is_current():
    assert (REPOSITORY / module_index.TARGET).read_text() == module_index.render(), (
        "docs/modules.rst is stale: run dev/docs-modules and commit the result"
    )


def test_every_module_is_in_the_index_with_its_summary():
    index = (REPOSITORY / module_index.TARGET).read_text()
    for path in sorted((REPOSITORY / "f/nix/common").glob("*.py")):
        assert f"``{path.name}``" in index
    assert (
        "``workspace.py``\n"
        "   The per-VM workspaces of this worker: the one module that knows their layout.\n"
    ) in index
    assert "``input_checks.py``" in index and "``library_contract.py``" in index


def test_a_new_module_makes_the_index_stale(tmp_path):
    root = tmp_path / "checkout"
    for package in module_index.PACKAGES:
        (root / package).mkdir(parents=True)
        for path in (REPOSITORY / package).glob("*.py"):
            (root / package / path.name).write_text(path.read_text())
    before = module_index.render(root)
    (root / "f/nix/common/new_thing.py").write_text('"""A new thing."""\n')
    assert module_index.render(root) != before
    assert "``new_thing.py``\n   A new thing.\n" in module_index.render(root)


def test_a_module_without_a_docstring_is_refused(tmp_path):
    root = tmp_path / "checkout"
    for package in module_index.PACKAGES:
        (root / package).mkdir(parents=True)
    (root / "f/nix/build/render_config.py").write_text("x = 1\n")
    with pytest.raises(SystemExit, match=r"render_config\.py: no docstring"):
        module_index.render(root)
