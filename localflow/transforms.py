"""Windmill input transforms, for the subset that flow files here use.

Windmill evaluates ``javascript`` transforms in a JS runtime. Flows here only
read properties (``flow_input.guest?.vm_name``,
``results.render_config.config_dir``, ``previous_result.x``), so that is what
the local runner evaluates, with JavaScript's meaning of ``.`` and ``?.``;
anything else is refused by name rather than guessed at.
"""

import json
import re
from collections.abc import Callable
from typing import Any

UNDEFINED = object()
# One property access: "." or "?." and a JavaScript identifier.
_STEP = re.compile(r"(\??\.)([A-Za-z_$][A-Za-z0-9_$]*)")
_PROPERTY_PATH = re.compile(rf"(flow_input|results|previous_result)((?:{_STEP.pattern})*)")


class TransformError(ValueError):
    pass


def evaluate(transform: dict, context: dict[str, Any]) -> Any:
    """The value of one input transform, or UNDEFINED (the parameter is then left out)."""
    kind = transform.get("type")
    if kind == "static":
        return transform.get("value", UNDEFINED)
    if kind != "javascript":
        raise TransformError(f"input transform type {kind!r} is not supported locally")
    expression = str(transform.get("expr", "")).strip()
    match = _PROPERTY_PATH.fullmatch(expression)
    if match is None:
        raise TransformError(
            f"the local runner evaluates only property paths such as flow_input.name or "
            f"results.step.key; cannot evaluate {expression!r}"
        )
    value = context.get(match.group(1), UNDEFINED)
    for access, name in _STEP.findall(match.group(2)):
        if access == "?." and (value is UNDEFINED or value is None):
            return UNDEFINED
        if value is UNDEFINED or value is None:
            shown = "undefined" if value is UNDEFINED else "null"
            raise TransformError(f"{expression}: cannot read {name!r} of {shown}")
        # As in JavaScript, a string, number or array has no such property: undefined.
        value = value.get(name, UNDEFINED) if isinstance(value, dict) else UNDEFINED
    return value


_NAME_LIST_TEST = re.compile(
    r"(?:error\s*&&\s*)?(!?)\s*(\[[^\]]*\])\s*\.includes\(\s*error\.name\s*\)"
)


def retry_condition(expression: str) -> Callable[[BaseException], bool]:
    """A ``retry_if`` expression of the form ``[error && ]![...names].includes(error.name)``.

    Windmill reports a Python exception's class name as ``error.name``; the
    ``error &&`` guard is the shape of Windmill's own default expression.
    """
    match = _NAME_LIST_TEST.fullmatch(expression.strip())
    names = json.loads(match.group(2)) if match else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise TransformError(
            "the local runner evaluates retry_if only as [names].includes(error.name), "
            f"optionally negated with '!' and guarded with 'error &&'; cannot evaluate "
            f"{expression!r}"
        )
    negated = bool(match.group(1))
    return lambda error: (type(error).__name__ in names) != negated
