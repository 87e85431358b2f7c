# py311
# requirements:
"""What the worker's administrator lets callers hand to nix.

Anyone allowed to run the flow over Windmill's REST API chooses its inputs.
Three of them reach past the VM's own workspace, so each needs the
administrator's consent, given in the worker's environment (listed in
WHITELIST_ENVS, like the flow's other variables):

NIX_BUILD_SOURCE_ROOTS
    Directories (``:``-separated) under which a path source override may
    lie. ``lock`` copies a path source into the world-readable store: left
    unset, any directory the worker can read may be copied (``/root/.ssh``
    too); set, every path source must resolve (symlinks followed) under one
    of them, and set empty, path sources are refused. Inside a Windmill job
    it is empty too when WHITELIST_ENVS lists it and the worker does not
    set it: path sources are refused then, with a message that says so.
NIX_BUILD_SUBSTITUTERS, NIX_BUILD_TRUSTED_PUBLIC_KEYS
    Binary caches (blank-separated URLs) and the keys (``name:base64``) a
    caller may pass. Where the worker's nix trusts the job's user, a cache
    and key of a caller's choosing would let one caller fill the store
    every other build uses; unset means callers may pass none (nix.conf's
    own apply).
NIX_BUILD_BUILDERS
    Remote builder URIs (``ssh://builder``, ...) a caller's ``builders``
    may name; unset means none. ``@file`` (nix reads the machines from
    that file) is never taken from a caller.
"""

import os
from pathlib import Path

from f.nix.common.errors import FlowInputError
from f.nix.common.windmill_env import listed_but_unset, listed_but_unset_sentence, worker_variable

SOURCE_ROOTS = "NIX_BUILD_SOURCE_ROOTS"
SUBSTITUTERS = "NIX_BUILD_SUBSTITUTERS"
TRUSTED_PUBLIC_KEYS = "NIX_BUILD_TRUSTED_PUBLIC_KEYS"
BUILDERS = "NIX_BUILD_BUILDERS"


def _allowed(variable: str) -> list[str]:
    return (worker_variable(variable) or "").split()


def _unset_note(variable: str) -> str:
    sentence = listed_but_unset_sentence(variable)
    return f". {sentence}" if sentence else ""


def check_path_source(field: str, src: str) -> str:
    """A path source override the administrator allows to be copied into the store."""
    configured = os.environ.get(SOURCE_ROOTS)
    if configured is None:
        return src
    if listed_but_unset(SOURCE_ROOTS):
        # Listed but unset looks like "set empty" (path sources off) inside a job; refuse,
        # rather than read it as unset and let any directory through.
        raise FlowInputError(
            f"{field}: {src!r} is not allowed; {listed_but_unset_sentence(SOURCE_ROOTS)}. "
            f"Until it is, path sources are refused; to allow any directory, remove "
            f"{SOURCE_ROOTS} from WHITELIST_ENVS"
        )
    roots = [Path(root) for root in configured.split(":") if root]
    resolved = Path(os.path.realpath(src))
    for root in roots:
        if root.is_absolute() and resolved.is_relative_to(os.path.realpath(root)):
            return src
    allowed = ", ".join(map(str, roots)) or "none: path sources are off"
    raise FlowInputError(
        f"{field}: {src!r} is not allowed; this worker copies path sources into the store "
        f"only from under {SOURCE_ROOTS} ({allowed}); resolved, it is {str(resolved)!r}"
    )


def _check_listed(field: str, value: str, variable: str, what: str) -> str:
    allowed = _allowed(variable)
    if value not in allowed:
        listed = ", ".join(allowed) if allowed else "none"
        raise FlowInputError(
            f"{field}: {value!r} is not allowed; this worker takes only the {what} its "
            f"administrator lists in {variable} (listed: {listed}); leave {field} empty to "
            "use the worker's nix.conf" + _unset_note(variable)
        )
    return value


def check_substituter(field: str, url: str) -> str:
    return _check_listed(field, url, SUBSTITUTERS, "binary caches")


def check_trusted_public_key(field: str, key: str) -> str:
    return _check_listed(field, key, TRUSTED_PUBLIC_KEYS, "keys")


def check_builders(field: str, builders: str) -> str:
    """nix's --builders value: machines separated by ';' or newlines, URI first."""
    for machine in builders.replace("\n", ";").split(";"):
        fields = machine.split()
        if not fields:
            continue
        if fields[0].startswith("@"):
            raise FlowInputError(
                f"{field}: {fields[0]!r} is not allowed; nix would read the machines from "
                "that file on the worker. Name the builders themselves (ssh://host system ...)"
            )
        _check_listed(field, fields[0], BUILDERS, "remote builders")
    return builders
