"""parse_derivations reads each version's ``nix derivation show`` (runs everywhere)."""

from tests.real_nixos.derivations import Derivation, parse_derivations

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
