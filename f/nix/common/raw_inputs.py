"""Checks on step inputs as they arrive (JSON from Windmill's form or REST API).

A step's type hints are not enforced by the worker: a caller can send a
string for a boolean. And JSON's \\u escapes can carry lone surrogates
(\\udc80), which are not Unicode text: no file can hold them as UTF-8, and Nix
strings cannot either. Both are refused naming the field, before anything
is written.
"""

from f.nix.common.errors import FlowInputError


def _location(field: str, key: object) -> str:
    return f"{field}[{key!r}]" if isinstance(key, str) else f"{field}[{key}]"


def check_unicode(field: str, value: object) -> None:
    """Refuse any string (or mapping key) in ``value`` that UTF-8 cannot encode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise FlowInputError(
                f"{field}: {value!r} is not valid Unicode text (it holds a lone surrogate, "
                "which a JSON \\u escape can carry); send UTF-8 text"
            ) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_unicode(f"{field} (a key)", key)
            check_unicode(_location(field, key), item)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_unicode(_location(field, index), item)


def check_bool(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise FlowInputError(f"{field}: {value!r} is not allowed; expected true or false")
    return value


def check_str(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise FlowInputError(f"{field}: {value!r} is not allowed; expected a string")
    check_unicode(field, value)
    return value
