"""explain_stale_pin: nix's words for a pinned input whose content is gone, in each version."""

from pathlib import Path

import pytest

from f.nix.common.errors import NixCommandError, StalePinError
from f.nix.common.flake_lock import STALE_PIN_WORDINGS, explain_stale_pin

CONFIG_DIR = Path("/w/0/nix/stale")
ARGV = ["nix", "build", "path:/w/0/nix/stale#toplevel"]

# nix build's stderr tail (as NixLogReader reports it) in
# test_a_changed_and_collected_library_pin_says_how_to_recover, captured 2026-12-02.
NIX_2_8 = [
    "error: NAR hash mismatch in input 'path:/tmp/tmp3o5y4igl/nixos-flake?lastModified=1796220965&narHash=sha256-o0ZHrhJkng4NK5FJ6QFwqh5M4u8euJ6M+TVNhZHKM0M=' (/nix/store/hvg2jnhlqkkgcwg7g7blch7ynf9ss33w-source), expected 'sha256-o0ZHrhJkng4NK5FJ6QFwqh5M4u8euJ6M+TVNhZHKM0M=', got 'sha256-BowoUX30lf7vH/7Gtgp0fzWOeOGYixtM8Kcc8z/qYb4='",
    "(use '--show-trace' to show detailed location information)",
]
NIX_2_26 = [
    """error:
       … while calling the 'derivationStrict' builtin
         at <nix/derivation-internal.nix>:37:12:
           36|
           37|   strict = derivationStrict drvAttrs;
             |            ^
           38|

       … while evaluating the derivation attribute 'name'
         at /nix/store/60a5r7hhng806sa3dkz6m304rx2azph0-source/flake.nix:125:11:
          124|         derivation {
          125|           name = "nixos-system-stub-${print.id}";
             |           ^
          126|           inherit system initrd;

       (stack trace truncated; use '--show-trace' to show the full, detailed trace)

       error: mismatch in field 'narHash' of input '{"__final":true,"lastModified":1796220968,"narHash":"sha256-iRgpMxNjvKchNZcmXtHgZO3K/L9J3haa/mqCUl3O3xY=","path":"/tmp/tmpr3jx4fc9/nixos-flake","type":"path"}', got '{"__final":true,"lastModified":1796220968,"narHash":"sha256-V3IF3BZ2tCAMD2MGX6XoNZCzHdpRiQaHc2y4V6vkRnA=","path":"/tmp/tmpr3jx4fc9/nixos-flake","type":"path"}'"""
]

# Captured 2026-12-05 from Nix 2.34.8 (Debian sid), the same test; the trace is shortened.
NIX_2_34 = [
    """error:
       … while calling the 'derivationStrict' builtin
         at «nix-internal»/derivation-internal.nix:37:12:

       (stack trace truncated; use '--show-trace' to show the full, detailed trace)

       error: NAR hash mismatch in input 'path:/tmp/pytest-of-root/pytest-0/test_a_changed_and_collected_l0/nixos-flake?lastModified=1796460121&narHash=sha256-79hFGonlMdnquNbJkYPqceM0v0huqIuisHCglcXBhN4%3D', expected 'sha256-C0UAa9KwR+AcoUquMIIMMJoSkwQtGUu1D2hWTDEMy+Y=' but got 'sha256-79hFGonlMdnquNbJkYPqceM0v0huqIuisHCglcXBhN4='"""
]
# Not captured (no such nix here): the format strings of Nix 2.35
# (src/libfetchers/fetchers.cc) and of Lix 2.9x, filled in as they would be.
NIX_2_35 = [
    "error: NAR hash mismatch in input 'path:/srv/nixos-flake?lastModified=1&narHash=sha256-AAAA', "
    "expected 'sha256-AAAA' but got 'sha256-BBBB'"
]
LIX_2_9X = [
    "error: NAR hash mismatch in input 'path:/srv/nixos-flake?lastModified=1&narHash=sha256-AAAA' "
    "(path:/srv/nixos-flake), expected 'sha256-AAAA', got 'sha256-BBBB'"
]


@pytest.mark.parametrize(
    ("tail", "library"),
    [
        (NIX_2_8, "/tmp/tmp3o5y4igl/nixos-flake"),
        (NIX_2_26, "/tmp/tmpr3jx4fc9/nixos-flake"),
        (NIX_2_34, "/tmp/pytest-of-root/pytest-0/test_a_changed_and_collected_l0/nixos-flake"),
        (NIX_2_35, "/srv/nixos-flake"),
        (LIX_2_9X, "/srv/nixos-flake"),
    ],
    ids=["nix-2.8", "nix-2.26", "nix-2.34", "nix-2.35", "lix-2.9x"],
)
def test_a_stale_pin_says_which_directory_and_how_to_recover(tail, library):
    error = NixCommandError(ARGV, 1, tail)
    explained = explain_stale_pin(error, CONFIG_DIR)
    assert isinstance(explained, StalePinError)
    assert str(explained).startswith(f"{CONFIG_DIR}/flake.lock pins {library} at content that ")
    assert "update_lock: true" in str(explained)


def test_a_mismatch_in_unreadable_attributes_is_still_explained():
    # Not nix's output: the 2.26 form with attributes that are not JSON.
    tail = ["error: mismatch in field 'narHash' of input '{path: /srv/lib}', got '{}'"]
    explained = explain_stale_pin(NixCommandError(ARGV, 1, tail), CONFIG_DIR)
    assert isinstance(explained, StalePinError)
    assert "pins one of its inputs at content" in str(explained)


@pytest.mark.parametrize(
    "tail",
    [
        ["error: builder for '/nix/store/x-stub.drv' failed with exit code 1"],
        ['error: mismatch in field \'rev\' of input \'{"type":"git"}\', got \'{"type":"git"}\''],
    ],
)
def test_other_failures_are_left_as_they_are(tail):
    error = NixCommandError(ARGV, 1, tail)
    assert explain_stale_pin(error, CONFIG_DIR) is error


def test_every_wording_has_a_message_here():
    # One row of STALE_PIN_WORDINGS per wording, each matched by one of the messages above.
    messages = ["\n".join(tail) for tail in (NIX_2_8, NIX_2_26, NIX_2_34, NIX_2_35, LIX_2_9X)]
    for wording in STALE_PIN_WORDINGS:
        assert any(wording.pattern.search(message) for message in messages), wording.versions


def test_an_unrecognised_message_reaches_the_user_whole():
    tail = ["error: the pinned content of 'path:/srv/lib' could not be found (a future wording)"]
    error = NixCommandError(ARGV, 1, tail)
    assert explain_stale_pin(error, CONFIG_DIR) is error
    assert tail[0] in str(error)
