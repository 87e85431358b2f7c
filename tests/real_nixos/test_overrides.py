"""Source overrides (vendor/nixos-flake/overlays/source-override.nix): what the guest
installs is built from the local tree, with the attributes and version it is given."""

from f.nix.common.library_contract import SOURCE_INPUT_SUFFIX


def test_source_overrides_are_what_gets_installed(guest):
    overrides = {o["pkg"]: o for o in guest.inputs.get("overrides", [])}
    for package, built in guest.config["overridable"].items():
        source_input = f"{package}{SOURCE_INPUT_SUFFIX}"
        if package not in overrides:
            assert source_input not in guest.config["sourceInputs"]
            continue
        assert built["src"] == guest.config["sourceInputs"][source_input]
        attrs = {entry["name"]: entry["value"] for entry in overrides[package].get("attrs", [])}
        for name, value in attrs.items():
            assert built[name] == value
        if "version" not in attrs:
            # The recipe's release, then what the local tree holds: the store
            # path says it is not the release.
            release, _, source = built["version"].partition("+")
            assert release and source.startswith("src.") and len(source) == 11, built
            assert set(source.removeprefix("src.")) <= set("0123456789abcdef"), built
            assert f"-{built['version']}" in built["out"], built
        if package in ("fio", "xfsprogs", "xfstests", "libbpf-tools", "cpupower"):
            # Installed by the suites (fio, xfsprogs), fstests itself and the
            # devel profile (libbpf-tools, cpupower).
            assert built["out"] in guest.config["packagePaths"]
