# py311
# requirements:
"""Local paths and references as nix takes them inside flake references."""

import re
from pathlib import Path

from f.nix.common.errors import FlowInputError

# Paths end up inside "path:" flake references, where "?", "#", "%" and
# blanks change the meaning; refusing them is clearer than quoting rules.
_FLAKE_SAFE_PATH = re.compile(r"/[A-Za-z0-9._+/@=,-]*")


def check_flake_safe_path(path: Path, what: str) -> Path:
    text = str(path)
    if not path.is_absolute() or _FLAKE_SAFE_PATH.fullmatch(text) is None:
        raise FlowInputError(
            f"{what}: {text!r} cannot be used in a path: flake reference; it must be an "
            "absolute path made of letters, digits and . _ + / @ = , -"
        )
    return path


def check_flake_reference(reference: str, field: str) -> str:
    """A flake reference as one argv word: nix would read a leading '-' as an option."""
    if reference.startswith("-") or any(
        char.isspace() or not char.isprintable() for char in reference
    ):
        raise FlowInputError(
            f"{field}: {reference!r} is not a flake reference; expected one word such as "
            "path:/srv/nixpkgs or github:NixOS/nixpkgs/<rev>, not starting with '-'"
        )
    return reference
