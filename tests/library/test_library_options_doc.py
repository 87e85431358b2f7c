"""How dev/library-options-doc writes an option (no nix: the data is given; the real-NixOS
test tests/real_nixos/test_library_options_doc.py checks the committed file)."""

import importlib.util

from tests.support import LIBRARY, REPOSITORY

SCRIPT = REPOSITORY / "dev" / "library-options-doc.py"


def library_options_doc():
    spec = importlib.util.spec_from_file_location("library_options_doc", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def literal(text: str) -> dict:
    return {"_type": "literalExpression", "text": text}


def option(**fields) -> dict:
    return {
        "name": "nixos-flake.example.option",
        "loc": ["nixos-flake", "example", "option"],
        "type": "string",
        "description": "What it does.",
        "readOnly": False,
        "default": None,
        "example": None,
        "declarations": ["testSuites/common/runner.nix"],
    } | fields


def section(*options: dict) -> list[str]:
    """The lines written for the options, after the page's own introduction."""
    text = library_options_doc().render({"release": "26.05", "options": list(options)}, LIBRARY)
    lines = text.splitlines()
    return lines[lines.index("## `nixos-flake.example.option`") :]


def test_an_option_is_written_with_its_type_default_example_and_file():
    assert section(
        option(default=literal('"-g auto"'), example=literal('"-g quick"'), readOnly=True)
    ) == [
        "## `nixos-flake.example.option`",
        "",
        "What it does.",
        "",
        "*Type:* string (read-only)",
        "",
        '*Default:* `"-g auto"`',
        "",
        '*Example:* `"-g quick"`',
        "",
        "*Declared in:* [`testSuites/common/runner.nix`]"
        "(../vendor/nixos-flake/testSuites/common/runner.nix)",
    ]


def test_a_value_of_several_lines_is_a_nix_block_and_markdown_stays_markdown():
    lines = section(
        option(
            default=literal('[\n  "hvc0"\n]'),
            example={"_type": "literalMD", "text": "see `outputDir`"},
        )
    )
    at = lines.index("*Default:*")
    assert lines[at : at + 6] == ["*Default:*", "", "```nix", "[", '  "hvc0"', "]"]
    assert "*Example:* see `outputDir`" in lines
    assert not [line for line in lines if line.startswith("*Default:* ")]


def test_no_default_and_no_example_write_neither():
    lines = section(option())
    assert not [line for line in lines if line.startswith(("*Default:", "*Example:"))]


def test_a_module_imported_as_a_directory_is_its_default_nix():
    lines = section(option(declarations=["profiles/monitoring"]))
    assert lines[-1] == (
        "*Declared in:* [`profiles/monitoring/default.nix`]"
        "(../vendor/nixos-flake/profiles/monitoring/default.nix)"
    )


def test_markup_in_a_type_and_tags_in_prose_are_shown_as_written():
    lines = section(
        option(
            type="string matching the pattern [^:]+:/.*",
            description="`gitr@<directory>` makes <directory>/gitr its.",
        )
    )
    assert "*Type:* string matching the pattern \\[^:\\]+:/.\\*" in lines
    assert "`gitr@<directory>` makes \\<directory>/gitr its." in lines


def test_code_with_backticks_in_it_gets_a_longer_fence():
    doc = library_options_doc()
    assert doc.code("plain") == "`plain`"
    assert doc.code("a`b") == "``a`b``"
    assert doc.code("`a") == "`` `a ``"
