"""Write docs/modules.rst, the index of the flow's Python modules, from their docstrings.

    dev/docs-modules [--check]

Each module says what it is for in its docstring's first paragraph; this
lists every module of f/nix/build, f/nix/common and localflow with that
paragraph and the workspace modules it imports, so that the index cannot
fall behind the code. The folders stay flat: the steps import
f.nix.common.<module>, as Windmill's loader resolves them, and nothing here
proves that it resolves a deeper f.nix.common.<group>.<module>, so this
index is where the modules are told apart. --check writes nothing and exits 1 when the committed
file differs; tests/docs/test_module_index.py runs the same comparison.
"""

import argparse
import ast
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
TARGET = Path("docs/modules.rst")
PACKAGES = {
    "f/nix/build": "The flow's steps, in the order flow.yaml runs them.",
    "f/nix/common": "What the steps share: one job per module.",
    "localflow": "Runs a flow file here, as a Windmill worker would, without a server.",
}
STEP_ORDER = ("render_config", "lock_config", "build_closure")


def _summary(tree: ast.Module, path: Path) -> str:
    docstring = ast.get_docstring(tree)
    if not docstring:
        raise SystemExit(f"{path}: no docstring; say in one paragraph what the module is for")
    return " ".join(docstring.split("\n\n", 1)[0].split())


def _workspace_imports(tree: ast.Module) -> list[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[:3] == ["f", "nix", "common"] and len(parts) == 4:
                names.add(parts[3])
            elif parts[0] == "localflow" and len(parts) == 2:
                names.add(parts[1])
    return sorted(names)


def _modules(root: Path, package: str) -> list[Path]:
    paths = sorted((root / package).glob("*.py"))
    if package == "f/nix/build":
        paths.sort(key=lambda path: STEP_ORDER.index(path.stem))
    return [path for path in paths if path.name != "__init__.py" or package == "localflow"]


def render(root: Path = REPOSITORY) -> str:
    lines = [
        ".. Written by dev/docs-modules from each module's docstring: edit the docstring",
        "   and run dev/docs-modules (tests/docs/test_module_index.py checks it).",
        "",
        "Modules",
        "=======",
        "",
        "Every Python module of the flow, with the first paragraph of its docstring",
        "and the modules of its own package it imports.",
        "",
    ]
    for package, about in PACKAGES.items():
        heading = f"``{package}``"
        lines += [heading, "-" * len(heading), "", about, ""]
        for path in _modules(root, package):
            tree = ast.parse(path.read_text(), filename=str(path))
            lines += [f"``{path.name}``", f"   {_summary(tree, path)}"]
            uses = _workspace_imports(tree)
            if uses:
                lines.append(f"   Uses: {', '.join(f'``{name}``' for name in uses)}.")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    options = parser.parse_args()
    text = render()
    target = REPOSITORY / TARGET
    if target.exists() and target.read_text() == text:
        return 0
    if options.check:
        print(f"{TARGET} is not current: run dev/docs-modules")
        return 1
    target.write_text(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
