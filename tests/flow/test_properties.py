"""Property tests: hostile text survives rendering; bad names never reach the disk."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from f.nix.build import render_config
from f.nix.common.errors import FlowInputError
from f.nix.common.library_contract import PROFILES, TEST_SUITES
from f.nix.common.nix_syntax import nix_string
from f.nix.common.render_nix import render_default
from f.nix.common.vm_config import parse_vm_config
from tests.support import nix_eval_json, public_key

# Any text Nix can hold: everything but NUL, surrogates included in no form
# UTF-8 cannot carry.
nix_text = st.text(st.characters(exclude_characters="\0", exclude_categories=("Cs",)), max_size=60)
# A key comment is one printable line.
comment_text = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40).map(
    str.strip
)

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.nix
@PROPERTY_SETTINGS
@given(st.lists(nix_text, min_size=1, max_size=8))
def test_any_text_is_a_nix_string_that_reads_back(texts):
    assert nix_eval_json("[ " + " ".join(nix_string(t) for t in texts) + " ]") == texts


@pytest.mark.nix
@PROPERTY_SETTINGS
@given(attr_value=nix_text, comment=comment_text)
def test_free_inputs_render_to_nix_that_evaluates_back(attr_value, comment):
    key = public_key(comment=comment)
    with tempfile.TemporaryDirectory() as checkout:
        config = parse_vm_config(
            vm_name="prop",
            ssh_keys=[key],
            overrides=[{"pkg": "fio", "src": checkout, "attrs": {"version": attr_value}}],
        )
        module = Path(checkout) / "default.nix"
        module.write_text(render_default(config))
        evaluated = nix_eval_json(
            f"""
            let
              config = import {module} {{
                lib.mkAfter = x: x;
                pkgs = {{ }};
                inputs.fio-src = "src";
                nixos-flake.nixosModules = {{ profiles = {{ }}; testSuites = {{ }}; }};
              }};
              prev.fio.overrideAttrs = f: f {{ }};
            in
            {{
              keys = config.users.users.root.openssh.authorizedKeys.keys;
              version = ((builtins.head config.nixpkgs.overlays) null prev).fio.version;
            }}
            """
        )
    assert evaluated == {"keys": [key.strip()], "version": attr_value}


names = st.text(max_size=20)


@PROPERTY_SETTINGS
@given(profile=names, suite=names)
def test_names_outside_their_sets_are_refused_before_writing(
    profile, suite, tmp_path_factory, monkeypatch
):
    workers = tmp_path_factory.mktemp("workers")
    monkeypatch.setenv("WORKERS_DIR", str(workers))
    if profile in PROFILES and suite in TEST_SUITES:
        return
    with pytest.raises(FlowInputError):
        render_config.main(vm_name="prop", profiles=[profile], test_suites=[suite])
    assert list(workers.iterdir()) == []


@PROPERTY_SETTINGS
@given(vm_name=names, user_name=names, tag=names)
def test_bad_names_never_touch_the_disk(vm_name, user_name, tag, tmp_path_factory, monkeypatch):
    workers = tmp_path_factory.mktemp("workers")
    monkeypatch.setenv("WORKERS_DIR", str(workers))
    try:
        render_config.main(
            vm_name=vm_name, user_name=user_name, shares={"/mnt/x": tag}, test_suites=[]
        )
    except FlowInputError:
        assert list(workers.iterdir()) == []
        return
    # Accepted: then every name is one a directory, a host and a NixOS user may have.
    assert (workers / "0" / "nix" / vm_name).is_dir()
    assert vm_name.isascii() and vm_name.replace("-", "").replace("_", "").isalnum()
    assert vm_name[0].isalnum() and vm_name[-1].isalnum() and len(vm_name) <= 63


# Any Unicode text. Hypothesis leaves lone surrogates out; test_vm_config and
# test_build_options check that those are refused by name.
any_text = st.text(max_size=30)


@PROPERTY_SETTINGS
@given(attr_value=any_text, mount_point=any_text, comment=any_text, group=any_text)
def test_free_text_is_carried_or_refused_before_writing(
    attr_value, mount_point, comment, group, tmp_path_factory, monkeypatch
):
    workers = tmp_path_factory.mktemp("workers")
    source = tmp_path_factory.mktemp("fio")
    monkeypatch.setenv("WORKERS_DIR", str(workers))
    monkeypatch.delenv("NIX_BUILD_SOURCE_ROOTS", raising=False)
    try:
        result = render_config.main(
            vm_name="free",
            test_suites=[],
            shares={f"/mnt/{mount_point}": "tag"},
            ssh_keys=[f"{public_key()} {comment}"],
            extra_groups=[group],
            overrides=[{"pkg": "fio", "src": str(source), "attrs": {"version": attr_value}}],
        )
    except FlowInputError:
        assert list(workers.iterdir()) == []
        return
    default_nix = (Path(result["config_dir"]) / "default.nix").read_text(encoding="utf-8")
    assert nix_string(attr_value) in default_nix
    assert nix_string(f"/mnt/{mount_point}") in default_nix
