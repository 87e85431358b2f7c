"""One hierarchy of errors, and flow.yaml's retry_if naming exactly those no retry can help."""

import ast
import inspect
import json
import re

import yaml

from f.nix.common import errors
from tests.support import FLOW_FILE, REPOSITORY


def retry_if_names() -> list[list[str]]:
    flow = yaml.safe_load(FLOW_FILE.read_text())
    found = []
    for module in flow["value"]["modules"]:
        retry_if = (module.get("retry") or {}).get("retry_if")
        if retry_if:
            match = re.fullmatch(r"error && !(\[.*\])\.includes\(error\.name\)", retry_if["expr"])
            assert match, retry_if["expr"]
            found.append(json.loads(match.group(1)))
    return found


def test_retry_if_names_exactly_the_errors_no_retry_can_help():
    names = retry_if_names()
    assert len(names) == 2  # lock_config and build_closure retry
    for listed in names:
        assert sorted(listed) == errors.not_retryable_names()
    assert "NixCommandError" not in errors.not_retryable_names()
    assert "NixEvaluationError" in errors.not_retryable_names()


def test_every_error_class_lives_in_errors_py():
    sources = list((REPOSITORY / "f").rglob("*.py"))
    for path in sources:
        if path.name == "errors.py":
            continue
        tree = ast.parse(path.read_text())
        classes = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
        assert not [name for name in classes if name.endswith("Error")], path


def test_every_error_is_a_flow_error():
    for _, cls in inspect.getmembers(errors, inspect.isclass):
        if cls.__module__ == errors.__name__:
            assert issubclass(cls, errors.FlowError), cls


def test_localflow_is_a_generic_runner():
    """It runs any flow file: it imports none of this flow's modules."""
    for path in (REPOSITORY / "localflow").glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = [
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        ] + [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        assert not [name for name in imported if name.startswith("f.")], path
