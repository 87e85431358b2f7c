import pytest

from f.nix.common.nix_syntax import nix_attr, nix_attr_path, nix_string, nix_string_list
from tests.support import nix_eval_json

TRICKY = [
    "",
    "plain",
    'quote " inside',
    "back\\slash",
    "${builtins.currentTime}",
    "$${escaped?}",
    "dollar at end $",
    "''${x}",
    "new\nline\r\ttab",
    "unicode: ⅀ é 日本",
    "\\${",
]


@pytest.mark.parametrize("text", TRICKY)
def test_string_literal_shape(text):
    literal = nix_string(text)
    assert literal.startswith('"') and literal.endswith('"')
    assert "${" not in literal.replace("\\${", "")


@pytest.mark.nix
def test_strings_evaluate_back_to_themselves():
    expression = "[ " + " ".join(nix_string(text) for text in TRICKY) + " ]"
    assert nix_eval_json(expression) == TRICKY


def test_nul_is_refused():
    with pytest.raises(ValueError, match="NUL"):
        nix_string("a\0b")


@pytest.mark.parametrize(
    ("name", "rendered"),
    [
        ("fio", "fio"),
        ("build-tools", "build-tools"),
        ("libbpf-tools-src", "libbpf-tools-src"),
        ("/mnt/src", '"/mnt/src"'),
        ("with", '"with"'),
        ("1abc", '"1abc"'),
        ("a.b", '"a.b"'),
    ],
)
def test_attribute_names_are_quoted_only_when_needed(name, rendered):
    assert nix_attr(name) == rendered


@pytest.mark.nix
def test_attribute_paths_evaluate():
    path = nix_attr_path("users", "users", "with", "/odd name")
    assert nix_eval_json(f'{{ {path} = 1; }}.users.users."with"."/odd name"') == 1


def test_string_lists():
    assert nix_string_list([]) == "[ ]"
    assert nix_string_list(["ro", "a b"]) == '[ "ro" "a b" ]'
