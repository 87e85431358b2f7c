"""The library's contract.nix is the one owner of its facts; the flow's copies are its export.

dev/generate-contract writes f/nix/common/library_contract.py and flow-contract.json
from contract.nix. These tests evaluate contract.nix with nix (builtins alone,
offline) and fail when either file is not what the generator would write now,
or when a fact the flow and kdevops-ng rely on is not what they rely on.
"""

import importlib.util
import json

import pytest

from f.nix.common import library_contract
from tests.support import LIBRARY, REPOSITORY

pytestmark = pytest.mark.nix

spec = importlib.util.spec_from_file_location(
    "contract_export", REPOSITORY / "dev/lib/contract_export.py"
)
assert spec is not None and spec.loader is not None
contract_export = importlib.util.module_from_spec(spec)
spec.loader.exec_module(contract_export)


@pytest.fixture(scope="module")
def contract() -> dict:
    return contract_export.evaluate(LIBRARY / "contract.nix")


def test_the_generated_files_are_current(contract):
    for path, text in contract_export.outputs(contract).items():
        assert path.read_text() == text, (
            f"{path.relative_to(REPOSITORY)} is not what contract.nix says: run "
            "dev/generate-contract"
        )


def test_a_changed_fact_makes_the_generated_module_stale(contract, tmp_path):
    """The comparison above can fail: one results directory moved changes the export."""
    changed = (LIBRARY / "contract.nix").read_text().replace('"/var/lib/ltp"', '"/srv/ltp"')
    (tmp_path / "contract.nix").write_text(changed)
    moved = contract_export.evaluate(tmp_path / "contract.nix")
    assert moved["testSuites"]["ltp"]["results"] == "/srv/ltp"
    module = contract_export.python_module(moved)
    assert '"ltp": "/srv/ltp"' in module
    assert module != (REPOSITORY / "f/nix/common/library_contract.py").read_text()


def test_the_export_is_what_a_worker_reads(contract):
    exported = json.loads((LIBRARY / "flow-contract.json").read_text())
    assert exported["contract"] == "nix-build-flow"
    assert exported["version"] == library_contract.VERSION == 3
    assert exported["testSuites"]["fstests"]["results"] == "/var/lib/xfstests"


def test_the_facts_kdevops_ng_relies_on():
    # Its bringup's virtiofs shares (f/qsu/common.py, _shares()): the store and the
    # modules under these tags, and fstests' results under the suite's name.
    assert library_contract.BACKEND_SHARES == {"/nix/store": "store", "/lib/modules": "modules"}
    assert library_contract.RESULT_SHARES["fstests"] == "/var/lib/xfstests"
    assert library_contract.RESULT_SHARE_OPTIONS == ("nofail",)
    assert library_contract.FEATURED_PROFILES == ("build-tools", "devel", "monitoring")
    assert "controller" not in library_contract.FEATURED_PROFILES
    assert library_contract.GATED_PROFILES == {
        "controller": ("nixos-flake", "controller", "enable"),
        "monitoring": ("nixos-flake", "monitoring", "enable"),
    }
