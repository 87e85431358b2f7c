"""What a guest starts at boot and what it costs to evaluate and build.

    bench/guest_boot.py [--runs 3] [--units] FLAKE#nixosConfigurations.NAME ...
    NIXPKGS=/path/to/nixpkgs [NIXPKGS_REVISION=<commit>] bench/guest_boot.py [--runs 3] [--units]
        [--library DIR]

in the virtual environment dev/setup makes, under Nix 2.18 or newer
(dev/current-nix). For each NixOS system it prints:

  units        the units started at boot, as tests/real_nixos/boot_units.py
               defines them (the boot transaction of the default unit in the
               evaluated configuration plus systemd's bootup(7) skeleton)
  derivations  the derivations in the toplevel's build graph (nix
               derivation show --recursive of its .drv)
  outputs      the store paths those derivations produce (every output of
               each, the toplevel's included)
  used         the store paths the toplevel's build takes: the outputs some
               derivation of the graph has as input, and the toplevel's own
               (an output nothing takes, such as a man page once
               documentation is off, is built or fetched for nobody)
  eval_s       the median wall time of `nix eval --raw --no-eval-cache
               <system>.config.system.build.toplevel.drvPath` over --runs

With NIXPKGS and no system given, it runs the flow's render and lock steps
(through localflow, with dry_run, as tests/real_nixos does) on that tree,
wrapped by tests/real_nixos/wrapper, for the featured default guest and the
empty selection, with the library in --library (default: this checkout's
vendor/nixos-flake), and measures both. Nothing is built.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from f.nix.common.nix_command import nix_argv  # noqa: E402
from f.nix.common.workspace import workspace_for  # noqa: E402
from localflow.flow_runner import run_flow  # noqa: E402
from tests.real_nixos.boot_units import started_at_boot  # noqa: E402
from tests.real_nixos.derivations import parse_derivations  # noqa: E402
from tests.real_nixos.wrapped_tree import nix, revision_from_environment, wrap_tree  # noqa: E402
from tests.support import OFFLINE_NIX_CONFIG  # noqa: E402

FLOW = REPOSITORY / "f/nix/build/flow.yaml"
GUEST_SUMMARY = REPOSITORY / "tests/real_nixos/guest.nix"
GUESTS = {
    "featured default": {},
    "empty selection": {"closure": {"profiles": [], "test_suites": []}},
}


def boot_of(system: str) -> dict:
    """guest.nix's ``boot`` of a flake's nixosConfiguration."""
    apply = f"system: (({GUEST_SUMMARY.read_text(encoding='utf-8')}) [ ] system).boot"
    return json.loads(nix("eval", "--json", system, "--apply", apply))


def build_graph(system: str) -> tuple[int, int, int]:
    """Derivations in the toplevel's build graph, their outputs, and the outputs it uses."""
    drv = nix("eval", "--raw", f"{system}.config.system.build.toplevel.drvPath").strip()
    graph = parse_derivations(nix("derivation", "show", "--recursive", drv))
    outputs = {name: derivation.outputs for name, derivation in graph.items()}
    used = set(outputs[drv].values())
    for derivation in graph.values():
        for input_drv, names in derivation.input_drvs.items():
            used.update(outputs[input_drv][name] for name in names)
    every_output = {path for paths in outputs.values() for path in paths.values()}
    return len(graph), len(every_output), len(used)


def evaluation_seconds(system: str, runs: int) -> float:
    argv = nix_argv(
        ["eval", "--raw", "--no-eval-cache", f"{system}.config.system.build.toplevel.drvPath"]
    )
    times = []
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def measure(system: str, runs: int) -> dict:
    units = started_at_boot(boot_of(system))
    derivations, outputs, used = build_graph(system)
    return {
        "system": system,
        "units": len(units),
        "derivations": derivations,
        "outputs": outputs,
        "used": used,
        "eval_s": round(evaluation_seconds(system, runs), 2),
        "unit_names": units,
    }


def flow_guests(tree: str, scratch: Path) -> dict[str, str]:
    """The featured default and the empty selection as the flow renders and locks them."""
    nixpkgs = wrap_tree(tree, scratch / "nixpkgs", revision_from_environment()).reference
    systems = {}
    for name, inputs in GUESTS.items():
        vm = f"{name.split()[0]}-{os.getpid()}"
        flow_inputs = {
            **inputs,
            "guest": {"vm_name": vm},
            "lock": {"nixpkgs": nixpkgs},
            "build": {"dry_run": True},
        }
        with open(os.devnull, "w") as sink:
            saved, sys.stderr = sys.stderr, sink
            try:
                run_flow(FLOW, flow_inputs)
            finally:
                sys.stderr = saved
        generation = workspace_for(vm).generation()
        systems[name] = f"path:{generation}#nixosConfigurations.imageless"
    return systems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("systems", nargs="*", help="FLAKE#nixosConfigurations.NAME")
    parser.add_argument("--runs", type=int, default=3, help="evaluations timed (median)")
    parser.add_argument("--units", action="store_true", help="list the units started at boot")
    parser.add_argument("--library", type=Path, help="the nixos-flake library the flow uses")
    options = parser.parse_args()

    os.environ["NIX_CONFIG"] = OFFLINE_NIX_CONFIG  # nothing from the network
    scratch = Path(tempfile.mkdtemp(prefix="guest-boot-"))
    try:
        if options.systems:
            systems = {system: system for system in options.systems}
        else:
            tree = os.environ.get("NIXPKGS", "").strip()
            if not tree:
                parser.error("name a system, or set NIXPKGS to measure the flow's guests")
            os.environ["WORKERS_DIR"] = str(scratch / "workers")
            library = options.library or REPOSITORY / "vendor" / "nixos-flake"
            os.environ["NIXOS_FLAKE_DIR"] = str(library.resolve())
            for variable in ("WM_JOB_ID", "WM_FLOW_JOB_ID"):
                os.environ.pop(variable, None)
            systems = flow_guests(tree, scratch)
        version = subprocess.run(["nix", "--version"], capture_output=True, text=True)
        print(f"# {version.stdout.strip()}, {os.cpu_count()} cores")
        print(
            f"{'guest':<20} {'units':>5} {'derivations':>11} {'outputs':>7} {'used':>5} "
            f"{'eval_s':>6}"
        )
        report = {}
        for name, system in systems.items():
            result = measure(system, options.runs)
            report[name] = result
            print(
                f"{name:<20} {result['units']:>5} {result['derivations']:>11} "
                f"{result['outputs']:>7} {result['used']:>5} {result['eval_s']:>6.2f}"
            )
            if options.units:
                print("  " + " ".join(result["unit_names"]))
        print(json.dumps(report), file=sys.stderr)
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
