"""What a build produced: the closure's size and paths, and what a dry run would do."""

import json
import re

from f.nix.common.nix_command import run_nix

_DRY_RUN_HEADER = re.compile(
    r"(?:this|these \d+) (derivations?|paths?) will be (built|fetched)(.*):$"
)


def closure_stats(toplevel: str) -> dict:
    """Number of store paths in the closure and their total size (``nix path-info``)."""
    stdout = run_nix(["path-info", "--json", "--recursive", "--closure-size", toplevel]).stdout
    return closure_stats_from_json(json.loads(stdout), toplevel)


def closure_stats_from_json(info: list | dict, toplevel: str) -> dict:
    # Nix >= 2.19 prints an object keyed by path; older versions a list of objects.
    entries = info if isinstance(info, dict) else {entry["path"]: entry for entry in info}
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
