"""docs/library-options.md is what dev/library-options-doc writes from the library's options,
evaluated on the oldest NixOS release the library supports."""

import difflib
import importlib.util

import pytest

from f.nix.common.nixpkgs_release import oldest_supported
from tests.real_nixos.wrapped_tree import nix
from tests.support import LIBRARY, REPOSITORY

SCRIPT = REPOSITORY / "dev" / "library-options-doc.py"


def library_options_doc():
    spec = importlib.util.spec_from_file_location("library_options_doc", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_option_docs_are_what_the_options_say(real_tree, table):
    oldest = oldest_supported(LIBRARY)
    if real_tree.release != oldest:
        pytest.skip(f"the committed docs are made on NixOS {oldest}; this tree is {real_tree.name}")
    doc = library_options_doc()
    with table.row("library options doc"):
        evaluated = doc.evaluate(real_tree.reference, nix)
    written = doc.render(evaluated)
    committed = (REPOSITORY / doc.TARGET).read_text(encoding="utf-8")
    diff = "\n".join(
        difflib.unified_diff(
            committed.splitlines(), written.splitlines(), str(doc.TARGET), "written", lineterm=""
        )
    )
    assert written == committed, (
        f"{doc.TARGET} is not what the options say; run dev/library-options-doc and commit "
        f"the result:\n{diff}"
    )
    # Every option the library declares, none from elsewhere.
    names = [option["name"] for option in evaluated["options"]]
    assert names and all(name.startswith("nixos-flake.") for name in names)
    assert "nixos-flake.monitoring.outputDir" in names
    assert "nixos-flake.storage.<name>.fsType" in names
    for option in evaluated["options"]:
        assert option["declarations"], option["name"]
        for file in option["declarations"]:
            assert (LIBRARY / file).exists(), (option["name"], file)
