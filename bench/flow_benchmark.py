"""How much the f/nix/build flow costs over the nix it drives, and how cheap a re-run is.

    python3 bench/flow_benchmark.py [--runs 5] [--eval-seconds 1.0]

Builds against a stub nixpkgs whose evaluation is calibrated to take about
--eval-seconds, so that evaluation dominates a cold run the way it does with
the real nixpkgs. Prints, from one run of this script:

  (a) an unchanged re-run of the whole flow over a cold run   (target <= 0.05)
  (b) a cold run of the flow over the bare `nix flake lock` plus
      `nix build` that it wraps                                (target <= 1.10)

The flow runs in this process through localflow.run_flow, exactly as
`python3 -m localflow` runs it, minus the interpreter's start-up, which is
printed separately. Exits 1 when a target is missed.
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
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from localflow.flow_runner import run_flow  # noqa: E402

FLOW = REPOSITORY / "f/nix/build/flow.yaml"
NIX = ["nix", "--extra-experimental-features", "nix-command flakes"]
TARGET_RERUN = 0.05
TARGET_OVERHEAD = 1.10

STUB_TEMPLATE = Path(__file__).with_name("slow-stub-flake.nix")


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def write_stub(directory: Path, size: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "flake.nix").write_text(STUB_TEMPLATE.read_text().replace("@SIZE@", str(size)))


def evaluation_time(directory: Path) -> float:
    return statistics.median(
        timed(
            lambda: subprocess.run(
                [*NIX, "eval", f"path:{directory}#cost"], check=True, capture_output=True
            )
        )
        for _ in range(3)
    )


def calibrate(directory: Path, seconds: float) -> tuple[int, float]:
    """The list size whose evaluation takes about ``seconds``, and the time measured."""
    size = 1_000_000
    for _ in range(8):
        write_stub(directory, size)
        took = evaluation_time(directory)
        if abs(took - seconds) < 0.05 * seconds:
            break
        # Evaluation time is not linear in the size (memory, GC): approach it.
        size = max(1000, int(size * (seconds / max(took, 0.01)) ** 0.8))
    return size, took


def quietly(action: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        with open(os.devnull, "w") as sink:
            saved, sys.stderr = sys.stderr, sink
            try:
                return action()
            finally:
                sys.stderr = saved

    return run


def bare_nix(config_dir: Path, stub: Path, out_link: Path) -> None:
    subprocess.run(
        [
            *NIX,
            "flake",
            "lock",
            f"path:{config_dir}",
            "--override-input",
            "nixos-flake/nixpkgs",
            f"path:{stub}",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*NIX, "build", f"path:{config_dir}#toplevel", "--out-link", str(out_link), "--json"],
        check=True,
        capture_output=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="measurements of each kind (median is used)"
    )
    parser.add_argument(
        "--eval-seconds", type=float, default=1.0, help="calibrated evaluation cost"
    )
    options = parser.parse_args()

    os.environ["NIX_CONFIG"] = "substituters ="  # nothing from the network
    scratch = Path(tempfile.mkdtemp(prefix="flow-bench-"))
    os.environ["WORKERS_DIR"] = str(scratch / "workers")
    os.environ.pop("WM_JOB_ID", None)
    try:
        stub = scratch / "stub-nixpkgs"
        size, evaluation = calibrate(stub, options.eval_seconds)
        tag = f"{os.getpid()}-{int(time.time())}"

        def flow(vm: str) -> Callable[[], object]:
            inputs = {"vm_name": vm, "profiles": [], "test_suites": [], "nixpkgs": f"path:{stub}"}
            return quietly(lambda: (os.environ.pop("WM_FLOW_JOB_ID", None), run_flow(FLOW, inputs)))

        flow(f"warmup-{tag}")()  # imports and the stub's own store copy, not measured

        cold, rerun, bare = [], [], []
        for run in range(options.runs):
            vm = f"cold-{run}-{tag}"
            cold.append(timed(flow(vm)))
            rerun.append(timed(flow(vm)))
            # The same kind of fresh config, driven by nix alone.
            from f.nix.build import render_config

            quietly(
                lambda run=run: render_config.main(
                    vm_name=f"bare-{run}-{tag}", profiles=[], test_suites=[]
                )
            )()
            plain = scratch / f"bare-{run}"
            shutil.copytree(
                Path(os.environ["WORKERS_DIR"]) / "0" / "nix" / f"bare-{run}-{tag}", plain
            )
            out_link = scratch / f"bare-{run}.out"
            bare.append(
                timed(lambda plain=plain, out_link=out_link: bare_nix(plain, stub, out_link))
            )

        startup = statistics.median(
            timed(
                lambda: subprocess.run(
                    [sys.executable, "-c", "import f.nix.build.render_config"],
                    cwd=REPOSITORY,
                    check=True,
                )
            )
            for _ in range(3)
        )
        cold_s, rerun_s, bare_s = (statistics.median(x) for x in (cold, rerun, bare))
        rerun_ratio, overhead_ratio = rerun_s / cold_s, cold_s / bare_s
        report = {
            "nix": subprocess.run(
                ["nix", "--version"], capture_output=True, text=True
            ).stdout.strip(),
            "stub_list_size": size,
            "stub_evaluation_s": round(evaluation, 3),
            "cold_flow_s": round(cold_s, 3),
            "unchanged_rerun_s": round(rerun_s, 4),
            "bare_lock_and_build_s": round(bare_s, 3),
            "python_start_and_imports_s": round(startup, 3),
            "rerun_over_cold": round(rerun_ratio, 4),
            "cold_over_bare": round(overhead_ratio, 3),
        }
        print(json.dumps(report, indent=1), file=sys.stderr)
        ok_rerun, ok_overhead = rerun_ratio <= TARGET_RERUN, overhead_ratio <= TARGET_OVERHEAD
        verdict = {True: "ok", False: "MISSED"}
        print(
            f"(a) unchanged re-run / cold run   {rerun_ratio:7.4f}   "
            f"target <= {TARGET_RERUN}   {verdict[ok_rerun]}"
        )
        print(
            f"(b) cold flow / bare lock+build   {overhead_ratio:7.3f}   "
            f"target <= {TARGET_OVERHEAD}   {verdict[ok_overhead]}"
        )
        return 0 if ok_rerun and ok_overhead else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
