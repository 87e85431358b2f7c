# py311
# requirements:
"""Checks on step inputs as they arrive (JSON from Windmill's form or REST API).

A step's type hints are not enforced by the worker: a caller can send a
string for a boolean. Nor are a flow's inputs: over REST or from a parent
flow, Windmill checks them against no schema, fills in no default and passes
keys it does not know on to the flow's transforms unread, so a mistyped
``guest.vmname`` would silently build the default VM. check_flow_inputs
refuses what the flow does not take, naming it. And JSON's \\u escapes can carry lone surrogates
(\\udc80), which are not Unicode text: no file can hold them as UTF-8, and Nix
strings cannot either. Both are refused naming the field, before anything
is written.
"""

from f.nix.common.errors import FlowInputError
from f.nix.common.joblog import log


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


# f/nix/build's inputs by group, each with its JSON type, as flow.yaml's
# schema declares them (a test keeps the two equal).
FLOW_INPUTS: dict[str, dict[str, str]] = {
    "guest": {
        "vm_name": "string",
        "user_name": "string",
        "ssh_keys": "array",
        "shares": "array",
        "home": "boolean",
        "home_dir": "string",
        "extra_groups": "array",
        "storage": "array",
    },
    "closure": {
        "profiles": "array",
        "test_suites": "array",
        "overrides": "array",
        "extra_packages": "array",
    },
    "lock": {"update_lock": "boolean", "nixpkgs": "string"},
    "build": {
        "dry_run": "boolean",
        "substituters": "array",
        "trusted_public_keys": "array",
        "builders": "string",
        "max_jobs": "integer",
    },
}
_JSON_TYPES: dict[str, type] = {
    "string": str,
    "boolean": bool,
    "array": list,
    "object": dict,
    "integer": int,
}
# null means "unset" to the steps only where their parameter takes None; a null
# string or boolean would quietly become its default (guest.vm_name: VM nixos).
_NULL_MEANS_UNSET = ("array", "object", "integer")


# Inputs the schema declares as lists of entries, for Windmill's form to show as fields (it
# shows a map with free keys as raw JSON), which a caller may also give as the map they
# stand for, keyed by the field named here: guest.shares [{"mount_point": "/mnt/linux",
# "tag": "linux"}] is {"/mnt/linux": {"tag": "linux"}}.
ENTRY_KEYS: dict[str, str] = {"shares": "mount_point", "storage": "mount_point"}


def flow_field(name: str) -> str:
    """How the flow names a step's parameter, or a place in one: ``ssh_keys`` is
    ``guest.ssh_keys``, ``overrides[0].attrs`` is ``closure.overrides[0].attrs``."""
    head = name.split("[", 1)[0].split(".", 1)[0]
    for group, names in FLOW_INPUTS.items():
        if head in names:
            return f"{group}.{name}"
    return name


def _blank(item: object) -> bool:
    if isinstance(item, str):
        return not item.strip()
    if isinstance(item, dict):
        return all(value is None or _blank(value) for value in item.values())
    if isinstance(item, list):
        return not item
    return False


def drop_blank_items(name: str, items: object) -> tuple[object, list[int]]:
    """``items`` without its blank entries, each dropped with a line in the job log,
    and the position in ``items`` of each entry kept, for errors to name it as sent.

    Windmill's form adds a list entry on "Add item" and submits it as it is
    when left empty: ``""`` for a string, ``{"pkg": "", "src": "", ...}``
    for an object, whose ``required`` the form ignores. A blank entry asks
    for nothing, from the form or any other caller, so it is left out; an
    entry filled in part is kept, for the step's checks to refuse by name.
    Anything but a list is returned unchanged, for the same checks.
    """
    if not isinstance(items, list):
        return items, []
    kept, positions = [], []
    for index, item in enumerate(items):
        if _blank(item):
            log(f"{flow_field(name)}[{index}] is blank: left out")
        else:
            kept.append(item)
            positions.append(index)
    return kept, positions


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _input_problems(flow_input: dict) -> list[str]:
    problems = []
    for group, value in flow_input.items():
        names = FLOW_INPUTS.get(group)
        if names is None:
            problems.append(
                f"{group}: not an input of f/nix/build; it takes the groups "
                f"{', '.join(FLOW_INPUTS)}"
            )
            continue
        if value is None:
            continue
        if not isinstance(value, dict):
            problems.append(
                f"{group}: {value!r} is not allowed; expected an object with any of "
                f"{', '.join(names)}"
            )
            continue
        for name, item in value.items():
            where, kind = f"{group}.{name}", names.get(name)
            if kind is None:
                problems.append(
                    f"{where}: not an input of f/nix/build; {group} takes {', '.join(names)}"
                )
            elif item is None:
                if kind not in _NULL_MEANS_UNSET:
                    problems.append(
                        f"{where}: null is not allowed; expected {_a(kind)} (leave {name} out "
                        "for its default)"
                    )
            elif name in ENTRY_KEYS and isinstance(item, dict):
                pass  # the map the entries stand for
            elif not isinstance(item, _JSON_TYPES[kind]) or (
                kind == "integer" and isinstance(item, bool)
            ):
                problems.append(f"{where}: {item!r} is not allowed; expected {_a(kind)}")
    return problems


def check_flow_inputs(flow_input: object) -> None:
    """Refuse flow inputs f/nix/build does not take: unknown groups and keys, wrong JSON types.

    ``flow_input`` is the flow's whole input as the server passes it on (None:
    the step was called on its own). The values themselves are checked by
    the steps that use them.
    """
    if flow_input is None:
        return
    if not isinstance(flow_input, dict):
        raise FlowInputError(
            f"flow inputs: {flow_input!r} is not allowed; expected a JSON object with the "
            f"groups {', '.join(FLOW_INPUTS)}"
        )
    problems = _input_problems(flow_input)
    if problems:
        raise FlowInputError("invalid input:\n  " + "\n  ".join(problems))
