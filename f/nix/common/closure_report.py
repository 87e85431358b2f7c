# py311
# requirements:
# anyio==4.16.0
# certifi==2026.5.20
# h11==0.16.0
# httpcore==1.0.9
# httpx==0.28.1
# idna==3.13
# typing-extensions==4.16.0
# wmill==1.850.0
"""What a build produced: the closure's size and paths, what changed since the last build,
and what a dry run would do."""

import json
import re

from f.nix.common.nix_command import json_format_args, nix_version_line, run_nix
from f.nix.common.nix_log import plain

_DRY_RUN_HEADER = re.compile(
    r"(?:this|these \d+) (derivations?|paths?) will be (built|fetched)(.*):$"
)


def closure_stats(toplevel: str) -> dict:
    """Number of store paths in the closure and their total size (``nix path-info``)."""
    json_format = json_format_args(nix_version_line())
    argv = ["path-info", "--json", *json_format, "--recursive", "--closure-size", toplevel]
    return closure_stats_from_json(json.loads(run_nix(argv).stdout), toplevel)


def closure_stats_from_json(info: list | dict, toplevel: str) -> dict:
    """The stats from any shape of ``path-info --json``, each version's told by its structure:
    a list of objects with ``path`` (before Nix 2.19), an object keyed by path (2.19 on, and
    ``--json-format 1``), or ``{"version": 2, "info": {...}}`` keyed by base name
    (``--json-format 2``, Nix 2.33 on)."""
    if isinstance(info, list):
        entries = {entry["path"]: entry for entry in info}
    elif info.get("version") == 2 and isinstance(info.get("info"), dict):
        entries = info["info"]
        toplevel = toplevel.rsplit("/", 1)[-1]
    else:
        entries = info
    top = entries.get(toplevel) or {}
    closure_bytes = top.get("closureSize") or sum(e.get("narSize", 0) for e in entries.values())
    return {"store_paths": len(entries), "closure_bytes": int(closure_bytes)}


def dry_run_plan(messages: list[str]) -> dict:
    """The derivations ``nix build --dry-run`` would build and the paths it would fetch."""
    plan: dict[str, list[str]] = {"will_build": [], "will_fetch": []}
    download = ""
    current: list[str] | None = None
    for message in messages:
        header = _DRY_RUN_HEADER.match(message.strip())
        if header:
            current = plan["will_build" if header.group(2) == "built" else "will_fetch"]
            if header.group(2) == "fetched":
                download = header.group(3).strip(" ()")
        elif current is not None and message.startswith("  /nix/store/"):
            current.append(message.strip())
        else:
            current = None
    return {**plan, "download": download}


# nix store diff-closures: "name: 1.0, 1.1 → 1.2, +12.5 KiB" (versions on each
# side joined with ", ", ∅ for none, ε for an empty version; the size only
# when it moved by 8 KiB or more).
_SIZE = re.compile(r"(?:^|, )([+-]\d+(?:\.\d+)?) KiB$")
_ARROW = " → "


def _versions(text: str) -> list[str]:
    if text == "∅":
        return []
    return ["" if version == "ε" else version for version in text.split(", ")]


def parse_diff_closures(output: str) -> list[dict]:
    """Each package of ``nix store diff-closures``: versions before and after, size change."""
    changes = []
    for line in plain(output).splitlines():
        name, separator, rest = line.strip().partition(": ")
        if not separator:
            continue
        size = _SIZE.search(rest)
        delta = round(float(size.group(1)) * 1024) if size else 0
        versions = rest[: size.start()] if size else rest
        before, arrow, after = versions.partition(_ARROW)
        changes.append(
            {
                "package": name,
                "before": _versions(before) if arrow else None,
                "after": _versions(after) if arrow else None,
                "size_delta_bytes": delta,
            }
        )
    return changes


def closure_changes(before: str, after: str) -> list[dict]:
    """What differs between two closures, package by package (``nix store diff-closures``)."""
    return parse_diff_closures(run_nix(["store", "diff-closures", before, after]).stdout)
