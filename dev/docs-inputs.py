"""Write the parts of the docs that repeat f/nix/build/flow.yaml's input schema.

    dev/docs-inputs [--check] [--root DIR]

The flow's ``schema`` is the one place where each input's title, type, default
and description are written. This script copies them, between two marker
comments, into docs/inputs.rst (the full reference) and README.rst (the short
table); the text around the markers is written by hand. --check writes
nothing and exits 1, naming each file that differs. --root takes the flow and
the docs from another checkout (the tests use a copy).
"""

import argparse
import json
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import yaml

REPOSITORY = Path(__file__).resolve().parent.parent
FLOW = Path("f/nix/build/flow.yaml")
COMMAND = "dev/docs-inputs"
WIDTH = 79


def escape(text: str) -> str:
    """Plain text as reStructuredText shows it: no markup read into it."""
    text = re.sub(r"([\\*`|])", r"\\\1", text)
    return re.sub(r"(\w)_(?=\W|$)", r"\1\\_", text)


def literal(value: object) -> str:
    return f"``{value}``"


def as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def kind(field: dict) -> str:
    """What a field takes, in words."""
    if "enum" in field:
        return "one of " + ", ".join(literal(v) for v in field["enum"])
    if field["type"] == "array":
        items = field["items"]
        if items["type"] == "object":
            return "list of entries"
        if "enum" in items:
            return "list, each one of " + ", ".join(literal(v) for v in items["enum"])
        return f"list of {kind(items)}s"
    if field["type"] == "integer" and "minimum" in field and "maximum" in field:
        return f"integer from {field['minimum']} to {field['maximum']}"
    return field["type"]


def facts(field: dict, required: bool, in_entry: bool) -> str:
    """The line under a field's name: its type, whether it has a default, the form's hint."""
    said = [kind(field)]
    if required:
        said.append("required")
    if "default" in field:
        said.append("default " + literal(as_json(field["default"])))
    elif not (required or in_entry):
        said.append("no default")
    if "pattern" in field:
        said.append("pattern " + literal(field["pattern"]))
    if field.get("placeholder"):
        said.append("the form's hint " + literal(field["placeholder"]))
    return "; ".join(said)


def describe(name: str, field: dict, required: bool, indent: str, in_entry: bool) -> list[str]:
    """One field as a definition-list item, its entries' fields nested under it."""
    title = f": {escape(field['title'])}" if field.get("title") else ""
    lines = [f"{indent}{literal(name)}{title}"]
    inner = indent + "    "
    lines += wrap(facts(field, required, in_entry), inner)
    if field.get("description"):
        lines += ["", *wrap(escape(field["description"]), inner)]
    items = field.get("items", {})
    if items.get("type") == "object":
        lines += ["", f"{inner}Each entry's fields:", ""]
        lines += fields(items, inner)
    return lines


def fields(group: dict, indent: str, prefix: str = "") -> list[str]:
    """A group's fields (``prefix`` is the group's name) or an entry's (no prefix)."""
    properties = group["properties"]
    required = set(group.get("required", []))
    lines: list[str] = []
    for name in group.get("order", list(properties)):
        if lines:
            lines.append("")
        field = properties[name]
        lines += describe(prefix + name, field, name in required, indent, in_entry=not prefix)
    return lines


def groups(schema: dict) -> list[tuple[str, dict]]:
    return [(name, schema["properties"][name]) for name in schema["order"]]


def reference(schema: dict) -> list[str]:
    """docs/inputs.rst: every group and field, with everything the schema says of it."""
    lines: list[str] = []
    for name, group in groups(schema):
        heading = f"{escape(group['title'])} (``{name}``)"
        lines += [heading, "-" * len(heading), ""]
        lines += [*wrap(escape(group["description"]), ""), ""]
        lines += fields(group, "", prefix=f"{name}.")
        lines.append("")
    return lines


def short_default(field: dict) -> str:
    if "default" not in field:
        return "unset"
    value = field["default"]
    if isinstance(value, list) and value and value == field.get("items", {}).get("enum"):
        return f"all {len(value)}"
    if isinstance(value, list) and value:
        return ", ".join(literal(v) for v in value)
    return literal(as_json(value))


def table(schema: dict) -> list[str]:
    """README.rst: one row per field, its name, title and default."""
    rows = [("input", "what", "default")]
    for name, group in groups(schema):
        properties = group["properties"]
        for field in group.get("order", list(properties)):
            rows.append(
                (
                    literal(f"{name}.{field}"),
                    escape(properties[field]["title"]),
                    short_default(properties[field]),
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    rule = "  ".join("=" * width for width in widths)

    def line(row: tuple[str, str, str]) -> str:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        return "  ".join(cells).rstrip()

    return [rule, line(rows[0]), rule, *(line(row) for row in rows[1:]), rule]


# Each file: where its generated part goes, and what writes it.
TARGETS: dict[Path, tuple[str, Callable[[dict], list[str]]]] = {
    Path("docs/inputs.rst"): ("inputs-reference", reference),
    Path("README.rst"): ("inputs-table", table),
}


def rewritten(text: str, marker: str, body: list[str], path: Path) -> str:
    begin = f".. {marker}: begin, written by {COMMAND} from {FLOW}; edit the schema, not this\n"
    end = f".. {marker}: end\n"
    start = text.find(f".. {marker}: begin")
    finish = text.find(end)
    if start < 0 or finish < start:
        raise SystemExit(f"{path} has no '.. {marker}: begin' ... '{end.strip()}' pair")
    start_of_line = text.rfind("\n", 0, start) + 1
    return text[:start_of_line] + begin + "\n" + "\n".join(body).rstrip() + "\n\n" + text[finish:]


def expected(root: Path) -> dict[Path, tuple[str, str]]:
    """Each target file: its text now, and the text this script writes."""
    schema = yaml.safe_load((root / FLOW).read_text(encoding="utf-8"))["schema"]
    found = {}
    for path, (marker, render) in TARGETS.items():
        text = (root / path).read_text(encoding="utf-8")
        found[path] = (text, rewritten(text, marker, render(schema), path))
    return found


def stale_files(root: Path) -> list[str]:
    return [str(path) for path, (now, wanted) in expected(root).items() if now != wanted]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("--root", type=Path, default=REPOSITORY, help="the checkout to read")
    arguments = parser.parse_args(argv)
    stale = [path for path, (now, wanted) in expected(arguments.root).items() if now != wanted]
    if arguments.check:
        for path in stale:
            print(f"{path}: differs from {FLOW}'s schema; run {COMMAND}", file=sys.stderr)
        return 1 if stale else 0
    for path, (_, wanted) in expected(arguments.root).items():
        if path in stale:
            (arguments.root / path).write_text(wanted, encoding="utf-8")
            print(f"{COMMAND}: wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
