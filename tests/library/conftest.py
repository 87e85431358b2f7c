"""Markers of the nixos-flake library tests (pyproject.toml belongs to the flow)."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "nixpkgs: evaluates the library against a real nixpkgs given in $NIXPKGS "
        "(a path or flake reference); skipped when it is unset",
    )
    config.addinivalue_line(
        "markers",
        "nixpkgs_lib: evaluates the library's modules with nixpkgs' lib given in "
        "$NIXPKGS_LIB (a directory holding lib/) and stand-in NixOS options",
    )
