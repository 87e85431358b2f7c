"""internal-json lines as Nix 2.8 printed them for a stub build (ids shortened)."""

import json

DRV = "/nix/store/q6mzn5498h5v9gg8r0fawb5n0q9dd752-nixos-system-stub-ea353834a42b.drv"


def event(**fields) -> str:
    return "@nix " + json.dumps(fields)


def failing_build(log_lines: int = 30) -> list[str]:
    return [
        event(action="start", id=1, level=4, text="copying '/w/0/nix/f'", type=0),
        event(action="stop", id=1),
        event(action="start", id=2, level=0, text="", type=102),
        event(action="start", id=3, level=0, text="", type=104),
        event(action="start", id=4, level=0, text="", type=103),
        event(action="result", fields=[0, 2, 0, 0], id=3, type=105),
        event(action="result", fields=[0, 0, 0, 0], id=4, type=105),
        event(action="result", fields=[101, 0], id=2, type=106),
        event(
            action="start",
            fields=[DRV, "", 1, 1],
            id=5,
            level=3,
            text=f"building '{DRV}'",
            type=105,
        ),
        event(action="result", fields=[1, 2, 1, 0], id=3, type=105),
        *(
            event(action="result", fields=[f"stub build step {i}"], id=5, type=101)
            for i in range(1, log_lines + 1)
        ),
        event(action="stop", id=5),
        event(
            action="msg",
            level=0,
            msg=f"\u001b[31;1merror:\u001b[0m builder for '\u001b[35;1m{DRV}\u001b[0m' failed with exit code 1",
        ),
    ]
