"""Write docs/library-options.md, the reference of the library's NixOS options, from the
options themselves.

    dev/library-options-doc [--check] --nixpkgs TREE

Every option the library (vendor/nixos-flake) declares is under ``nixos-flake.``;
dev/lib/library-options.nix evaluates them on a real nixpkgs (TREE: a directory, or a
flake reference to one) with ``lib.optionAttrSetToDocList``, as NixOS's own manual does,
and this script writes each one's name, type, default, example, description and the file
that declares it. Nothing is built. --check writes nothing and exits 1 when the committed
file differs. The committed file is evaluated on the oldest release the library supports
(nixpkgs-support.json): a type describes itself in its release's words.
"""

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
LIBRARY = REPOSITORY / "vendor" / "nixos-flake"
EXPRESSION = REPOSITORY / "dev" / "lib" / "library-options.nix"
TARGET = Path("docs/library-options.md")
COMMAND = "dev/library-options-doc"
FLAKES = ("--extra-experimental-features", "nix-command flakes")
# No binary cache: evaluation needs none, and the tests never wait on the network.
OFFLINE = "substituters ="


def run_nix(*args: str) -> str:
    """The nix CLI with flakes enabled and no binary cache; its stdout, or exit on failure."""
    completed = subprocess.run(
        ["nix", *FLAKES, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "NIX_CONFIG": OFFLINE},
    )
    if completed.returncode != 0:
        sys.exit(f"{COMMAND}: nix {' '.join(args[:2])} failed:\n{completed.stderr}")
    return completed.stdout


def evaluate(nixpkgs: str, nix: Callable[..., str] = run_nix) -> dict:
    """{"release", "options"}: the options as dev/lib/library-options.nix gives them, evaluated
    on ``nixpkgs`` by ``nix`` (called with the CLI's arguments, it returns the stdout)."""
    if any(text in nixpkgs for text in ('"', "\\", "${")):
        raise ValueError(f"a nixpkgs reference without quotes or ${{: {nixpkgs!r}")
    expression = f'import {json.dumps(str(EXPRESSION))} {{ nixpkgs = "{nixpkgs}"; }}'
    # A path in quotes is a string: import takes either.
    return json.loads(nix("eval", "--json", "--impure", "--expr", expression))


def plain(text: str) -> str:
    """Text, such as a type's description, that Markdown shows as it is."""
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)


# Fenced blocks and code spans, which Markdown shows as they are.
_CODE = re.compile(r"(```.*?```|``.*?``|`[^`\n]*`)", re.DOTALL)


def prose(description: str) -> str:
    """A description (Markdown) with its '<' outside code escaped, as NixOS's manual shows
    it (no inline HTML there): ``<directory>/gitr`` must not read as a tag."""
    parts = _CODE.split(description)
    return "".join(
        part if index % 2 else part.replace("<", "\\<") for index, part in enumerate(parts)
    )


def code(text: str) -> str:
    """Inline code that may itself hold backticks."""
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def value(label: str, rendered: dict) -> list[str]:
    """A default or example as NixOS renders it (lib.options.renderOptionValue)."""
    text = rendered["text"]
    if rendered.get("_type") == "literalMD":
        return [f"*{label}:* {text}", ""]
    if "\n" in text:
        return [f"*{label}:*", "", "```nix", text, "```", ""]
    return [f"*{label}:* {code(text)}", ""]


def declared_in(file: str, library: Path) -> str:
    """A link from docs/ to the file, which a directory's default.nix stands for."""
    if (library / file).is_dir():
        file = f"{file}/default.nix"
    return f"[{code(file)}](../vendor/nixos-flake/{file})"


def render(evaluated: dict, library: Path = LIBRARY) -> str:
    options = evaluated["options"]
    lines = [
        f"<!-- Written by {COMMAND} from the options themselves: edit the modules in",
        f"     vendor/nixos-flake, then run {COMMAND} and commit this file. -->",
        "",
        "# The library's NixOS options",
        "",
        "Every option that the NixOS module library in `vendor/nixos-flake` declares,",
        "all under `nixos-flake.`: its type, default, example and description as its",
        "module declares them, and the file that declares it, relative to",
        "`vendor/nixos-flake`. `<name>` stands for the name of an entry in an",
        "attribute set of submodules.",
        "",
        f"{len(options)} options, evaluated on NixOS {evaluated['release']} with the library's "
        "modules",
        "(`default.nix`), its backend (`backends/imageless`) and its overlay.",
        "",
    ]
    for option in options:
        lines += [f"## {code(option['name'])}", ""]
        description = (option["description"] or "").strip()
        lines += [prose(description) or "(No description.)", ""]
        lines += [f"*Type:* {plain(option['type'])}" + (" (read-only)" * option["readOnly"]), ""]
        if option["default"] is not None:
            lines += value("Default", option["default"])
        if option["example"] is not None:
            lines += value("Example", option["example"])
        files = ", ".join(declared_in(file, library) for file in option["declarations"])
        lines += [f"*Declared in:* {files}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument(
        "--nixpkgs",
        default=os.environ.get("NIXPKGS", ""),
        help="a nixpkgs tree (directory) or flake reference (default: $NIXPKGS)",
    )
    args = parser.parse_args(argv)
    if not args.nixpkgs:
        parser.error("no nixpkgs: give --nixpkgs or set NIXPKGS")
    written = render(evaluate(args.nixpkgs))
    target = REPOSITORY / TARGET
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    if args.check:
        if written == current:
            return 0
        diff = difflib.unified_diff(
            current.splitlines(), written.splitlines(), str(TARGET), "written", lineterm=""
        )
        print("\n".join(diff), file=sys.stderr)
        print(f"{TARGET} is stale: run {COMMAND} and commit the result", file=sys.stderr)
        return 1
    if written != current:
        target.write_text(written, encoding="utf-8")
        print(f"{COMMAND}: wrote {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
