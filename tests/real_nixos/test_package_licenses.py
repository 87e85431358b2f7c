"""Every package of the library names its licence (meta.license) by SPDX identifier, each a
free licence in the shape of nixpkgs' own: copyleft-next-0.3.1 for what this repository
wrote, the upstream's licence for third-party software."""

import json

from tests.real_nixos.wrapped_tree import nix
from tests.support import LIBRARY

# What each package is, by SPDX identifier: a list where the package holds parts under
# several (blktests and gitr install a wrapper script written here beside upstream's tree).
EXPECTED = {
    "blktests": ["GPL-3.0-or-later", "copyleft-next-0.3.1"],
    "crash": "GPL-3.0-or-later",
    "damo": "GPL-2.0-only",
    "gitr": ["GPL-2.0-only", "copyleft-next-0.3.1"],
    "kunit-runner": "copyleft-next-0.3.1",
    "ltp": "GPL-2.0-or-later",
    "mmtests": "GPL-2.0-only",
    "nfstest": "GPL-2.0-or-later",
    "pynfs": "GPL-2.0-only",
    "suite-runner": "copyleft-next-0.3.1",
    "usertests-runner": "copyleft-next-0.3.1",
    "xnvme": "BSD-3-Clause",
}

# Each package's licences as SPDX identifiers, and each licence's shape as nixpkgs' meta
# checks read it (lib.licenses.isFree takes a "simple" licence's own ``free``).
LICENSES = """packages: builtins.mapAttrs (_: package:
  let
    license = package.meta.license;
    all = if builtins.isList license then license else [ license ];
  in {
    spdx = if builtins.isList license then map (l: l.spdxId) license else license.spdxId;
    shapes = map (l: { inherit (l) licenseType free redistributable; }) all;
  }) packages"""


def licenses(nixpkgs: str) -> dict:
    return json.loads(
        nix(
            "eval",
            "--json",
            f"path:{LIBRARY}#packages.x86_64-linux",
            "--override-input",
            "nixpkgs",
            nixpkgs,
            "--apply",
            LICENSES,
        )
    )


def test_every_package_names_its_licence(real_nixpkgs, table):
    with table.row("package licences"):
        found = licenses(real_nixpkgs)
    assert {name: entry["spdx"] for name, entry in found.items()} == EXPECTED
    simple_and_free = {"licenseType": "simple", "free": True, "redistributable": True}
    assert [
        name
        for name, entry in found.items()
        if any(shape != simple_and_free for shape in entry["shapes"])
    ] == []
