"""python3 -m localflow [FLOW] [--inputs JSON | --inputs-file FILE]

Runs a flow file the way Windmill would, on this machine: the inputs are the
JSON object the REST API takes; the flow's result is printed on stdout as
JSON, the job log goes to stderr.
"""

import argparse
import json
import os
import sys
import traceback
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def _flow_file(argument: str) -> Path:
    path = Path(argument)
    if not path.is_absolute():
        path = REPOSITORY / path
    return path / "flow.yaml" if path.is_dir() else path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m localflow", description=__doc__.split("\n\n")[1]
    )
    parser.add_argument(
        "flow",
        nargs="?",
        default="f/nix/build",
        help="flow folder or flow.yaml (default: f/nix/build)",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--inputs", default="{}", help="the flow inputs as a JSON object")
    source.add_argument("--inputs-file", type=Path, help="a file holding the flow inputs as JSON")
    parser.add_argument(
        "--traceback", action="store_true", help="print a failed step's traceback too"
    )
    parser.add_argument(
        "--as-server",
        action="store_true",
        help="run as a Windmill server does over REST or as a subflow: inputs unchecked, "
        "no schema defaults, an undefined transform value passed as null",
    )
    options = parser.parse_args(argv)

    sys.path.insert(0, str(REPOSITORY))
    from localflow.flow_runner import InvalidFlowInputs, run_flow

    try:
        text = options.inputs_file.read_text() if options.inputs_file else options.inputs
        given = json.loads(text)
    except (OSError, json.JSONDecodeError) as error:
        print(f"cannot read the flow inputs: {error}", file=sys.stderr)
        return 2
    if "WORKERS_DIR" not in os.environ:
        os.environ["WORKERS_DIR"] = str(REPOSITORY / ".workers")
        print(f"WORKERS_DIR is unset; using {os.environ['WORKERS_DIR']}", file=sys.stderr)
    if not os.environ.get("NIXOS_FLAKE_DIR"):
        # A worker names its library; run here, the flow uses this repository's.
        os.environ["NIXOS_FLAKE_DIR"] = str(REPOSITORY / "vendor" / "nixos-flake")

    def announce(step):
        print(f"=== step {step.id} ({step.script_path})", file=sys.stderr, flush=True)

    try:
        result = run_flow(
            _flow_file(options.flow), given, on_step=announce, as_server=options.as_server
        )
    except InvalidFlowInputs as error:
        print(error, file=sys.stderr)
        return 2
    except Exception as error:
        # As Windmill shows a failed step: the error's name and message (the
        # traceback with --traceback).
        if options.traceback:
            traceback.print_exc()
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
