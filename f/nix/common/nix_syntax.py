# py311
# requirements:
"""Nix literals built from Python values.

Every string that reaches a rendered ``.nix`` file goes through
:func:`nix_string`; attribute names go through :func:`nix_attr`, which quotes
them with :func:`nix_string` whenever they are not plain identifiers.
"""

import re

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_'-]*")
_KEYWORDS = frozenset({"assert", "else", "if", "in", "inherit", "let", "or", "rec", "then", "with"})
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    # "${" would start an interpolation; escaping every "$" is simpler and
    # still reads back as "$".
    "$": "\\$",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def nix_string(text: str) -> str:
    """A double-quoted Nix string literal that evaluates to ``text``.

    Nix strings cannot hold NUL; callers validate that away before rendering.
    """
    if "\0" in text:
        raise ValueError("Nix strings cannot contain NUL characters")
    return '"' + "".join(_ESCAPES.get(char, char) for char in text) + '"'


def is_identifier(name: str) -> bool:
    return _IDENTIFIER.fullmatch(name) is not None and name not in _KEYWORDS


def nix_attr(name: str) -> str:
    """One attribute-path component: bare when it can be, quoted otherwise."""
    return name if is_identifier(name) else nix_string(name)


def nix_attr_path(*names: str) -> str:
    return ".".join(nix_attr(name) for name in names)


def nix_string_list(items: list[str]) -> str:
    """A one-line list of strings, ``[ ]`` when empty."""
    if not items:
        return "[ ]"
    return "[ " + " ".join(nix_string(item) for item in items) + " ]"
