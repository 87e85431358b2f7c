"""parse_derivations reads each version's ``nix derivation show`` (runs everywhere)."""

import json

import pytest

from tests.real_nixos.derivations import Derivation, fixed_output_path, parse_derivations

# Nix 2.34.8, `nix derivation show` of x, which takes a's out (captured 2026-12-05).
NIX_2_34 = (
    '{"derivations":{"axcihjb3wwi0maz6h5rhmd5zfdmv3dh4-x.drv":{"args":[],"builder":"/bin/sh",'
    '"env":{"a":"/nix/store/f37kxm5wf98b2s839zaiybv38zil0s40-a","builder":"/bin/sh","name":"x",'
    '"out":"/nix/store/swqcdx24m806088c5zbj6s1ns2dbcr86-x","system":"x86_64-linux"},'
    '"inputs":{"drvs":{"7g5giqf764p3y3zv7a8rqsy9sqqq5kw4-a.drv":{"dynamicOutputs":{},'
    '"outputs":["out"]}},"srcs":[]},"name":"x","outputs":{"out":{"path":'
    '"swqcdx24m806088c5zbj6s1ns2dbcr86-x"}},"system":"x86_64-linux","version":4}},"version":4}'
)
# The same derivation as Nix 2.26.3 shows it (keys sorted).
NIX_2_26 = (
    '{"/nix/store/axcihjb3wwi0maz6h5rhmd5zfdmv3dh4-x.drv":{"args":[],"builder":"/bin/sh",'
    '"env":{"a":"/nix/store/f37kxm5wf98b2s839zaiybv38zil0s40-a","builder":"/bin/sh","name":"x",'
    '"out":"/nix/store/swqcdx24m806088c5zbj6s1ns2dbcr86-x","system":"x86_64-linux"},'
    '"inputDrvs":{"/nix/store/7g5giqf764p3y3zv7a8rqsy9sqqq5kw4-a.drv":{"dynamicOutputs":{},'
    '"outputs":["out"]}},"inputSrcs":[],"name":"x","outputs":{"out":{"path":'
    '"/nix/store/swqcdx24m806088c5zbj6s1ns2dbcr86-x"}},"system":"x86_64-linux"}}'
)
# And as Nix 2.8.0 does (`show-derivation`, keys sorted): an input's outputs as a plain list.
NIX_2_8 = (
    '{"/nix/store/axcihjb3wwi0maz6h5rhmd5zfdmv3dh4-x.drv":{"args":[],"builder":"/bin/sh",'
    '"env":{"a":"/nix/store/f37kxm5wf98b2s839zaiybv38zil0s40-a","builder":"/bin/sh","name":"x",'
    '"out":"/nix/store/swqcdx24m806088c5zbj6s1ns2dbcr86-x","system":"x86_64-linux"},'
    '"inputDrvs":{"/nix/store/7g5giqf764p3y3zv7a8rqsy9sqqq5kw4-a.drv":["out"]},"inputSrcs":[],'
    '"outputs":{"out":{"path":"/nix/store/swqcdx24m806088c5zbj6s1ns2dbcr86-x"}},'
    '"system":"x86_64-linux"}}'
)


def test_every_version_reads_the_same():
    expected = {
        "/nix/store/axcihjb3wwi0maz6h5rhmd5zfdmv3dh4-x.drv": Derivation(
            env={
                "a": "/nix/store/f37kxm5wf98b2s839zaiybv38zil0s40-a",
                "builder": "/bin/sh",
                "name": "x",
                "out": "/nix/store/swqcdx24m806088c5zbj6s1ns2dbcr86-x",
                "system": "x86_64-linux",
            },
            outputs={"out": "/nix/store/swqcdx24m806088c5zbj6s1ns2dbcr86-x"},
            input_drvs={"/nix/store/7g5giqf764p3y3zv7a8rqsy9sqqq5kw4-a.drv": ["out"]},
        )
    }
    assert parse_derivations(NIX_2_34) == expected
    assert parse_derivations(NIX_2_26) == expected
    assert parse_derivations(NIX_2_8) == expected


# Two fixed-output derivations of nixpkgs fd146203 as Nix 2.34.8 shows them (output
# without a path), with the output paths their env names.
FIXED_OUTPUTS = [
    (
        "/nix/store/013mqc5ymx4cih72blz21l6ync49i3jg-expr-strcmp.patch.drv",
        {"hash": "sha256-SaVxnAzFoHLjT/95ly8Yhzxc6UnbO3H3xzyGqh0Nw6U=", "method": "flat"},
        "/nix/store/h24jwyqgava9fwnq8rxfk56n2gi25wgs-expr-strcmp.patch",
    ),
    (
        "/nix/store/0clyla0lx7wqpk7hxjafjx6f2d0va99g-source.drv",
        {"hash": "sha256-oWV+KK22+iK99iCOCKCV1OCLq2Ef1bcYRKXT5GHwiL8=", "method": "nar"},
        "/nix/store/n4rqq7q61svya8gz4b9m0ac554bvmcb1-source",
    ),
]


def test_a_fixed_output_without_a_path_gets_the_path_nix_gives_it():
    for drv, output, path in FIXED_OUTPUTS:
        shown = {
            "version": 4,
            "derivations": {
                drv.removeprefix("/nix/store/"): {
                    "env": {},
                    "inputs": {"drvs": {}, "srcs": []},
                    "outputs": {"out": output},
                }
            },
        }
        assert parse_derivations(json.dumps(shown))[drv].outputs == {"out": path}


def test_an_unknown_fixed_output_method_is_refused_not_guessed():
    with pytest.raises(ValueError, match="'text'"):
        fixed_output_path("x", "text", "sha256-SaVxnAzFoHLjT/95ly8Yhzxc6UnbO3H3xzyGqh0Nw6U=")
