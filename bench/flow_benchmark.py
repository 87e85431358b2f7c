"""How much the f/nix/build flow costs over the nix it drives, and how cheap a re-run is.

    python3 bench/flow_benchmark.py [--runs 5] [--eval-seconds 1.0]
    NIXPKGS=/path/to/nixpkgs python3 bench/flow_benchmark.py [--runs 5]

Without NIXPKGS it builds against a stub nixpkgs whose evaluation is
calibrated to take about --eval-seconds, so that evaluation dominates a cold
run the way it does with the real nixpkgs, and prints:

  (a) an unchanged re-run of the whole flow over a cold run   (target <= 0.05)
  (b) a cold run of the flow over the bare `nix flake lock` plus
      `nix build` that it wraps                                (target <= 1.10)

With NIXPKGS (a nixpkgs tree, wrapped as tests/real_nixos does) it runs the
featured guest with dry_run on that real NixOS, where nothing can be built
offline, and prints:

  (a) a cold dry run of the flow over the bare
      `nix build --dry-run --override-input ...` it wraps      (target <= 1.05)
  (b) an unchanged dry re-run of the flow over a cold one      (target <= 0.05)
  (c) the featured guest's evaluation time and peak memory
      (`nix eval ...#toplevel.drvPath`, no evaluation cache)

The flow runs in this process through localflow.run_flow, exactly as
`python3 -m localflow` runs it, minus the interpreter's start-up, which is
printed separately. Medians of --runs; each cold run is a new VM, so nix's
evaluation cache never answers for it. Exits 1 when a target is missed.
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

from f.nix.common.nix_command import nix_argv  # noqa: E402
from localflow.flow_runner import run_flow  # noqa: E402
from tests.real_nixos.wrapped_tree import wrap_tree  # noqa: E402

FLOW = REPOSITORY / "f/nix/build/flow.yaml"
NIX = nix_argv([])
TARGET_RERUN = 0.05
TARGET_OVERHEAD = 1.10
TARGET_REAL_OVERHEAD = 1.05

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


def flow(inputs: dict) -> Callable[[], object]:
    """One run of the whole flow, quietly, as a new Windmill flow job."""
    return quietly(lambda: (os.environ.pop("WM_FLOW_JOB_ID", None), run_flow(FLOW, inputs)))


def rendered_copy(destination: Path, **inputs: object) -> Path:
    """The flake.nix and default.nix the flow renders for ``inputs``, in a plain directory."""
    from f.nix.build import render_config

    rendered = quietly(lambda: render_config.main(**inputs))()
    destination.mkdir(parents=True)
    for name in ("flake.nix", "default.nix"):
        shutil.copy(Path(rendered["config_dir"]) / name, destination / name)
    return destination


def interpreter_startup() -> float:
    return statistics.median(
        timed(
            lambda: subprocess.run(
                [sys.executable, "-c", "import f.nix.build.render_config"],
                cwd=REPOSITORY,
                check=True,
            )
        )
        for _ in range(3)
    )


def verdict(label: str, ratio: float, target: float) -> bool:
    ok = ratio <= target
    print(f"{label:<46} {ratio:7.4f}   target <= {target}   {'ok' if ok else 'MISSED'}")
    return ok


def stub_benchmark(options: argparse.Namespace, scratch: Path) -> int:
    stub = scratch / "stub-nixpkgs"
    size, evaluation = calibrate(stub, options.eval_seconds)
    tag = f"{os.getpid()}-{int(time.time())}"

    def stub_flow(vm: str) -> Callable[[], object]:
        return flow(
            {
                "guest": {"vm_name": vm},
                "closure": {"profiles": [], "test_suites": []},
                "lock": {"nixpkgs": f"path:{stub}"},
            }
        )

    stub_flow(f"warmup-{tag}")()  # imports and the stub's own store copy, not measured

    cold, rerun, bare = [], [], []
    for run in range(options.runs):
        vm = f"cold-{run}-{tag}"
        cold.append(timed(stub_flow(vm)))
        rerun.append(timed(stub_flow(vm)))
        # The same kind of fresh config, driven by nix alone.
        plain = rendered_copy(
            scratch / f"bare-{run}", vm_name=f"bare-{run}-{tag}", profiles=[], test_suites=[]
        )
        out_link = scratch / f"bare-{run}.out"
        bare.append(timed(lambda plain=plain, out_link=out_link: bare_nix(plain, stub, out_link)))

    cold_s, rerun_s, bare_s = (statistics.median(x) for x in (cold, rerun, bare))
    rerun_ratio, overhead_ratio = rerun_s / cold_s, cold_s / bare_s
    report = {
        "nix": nix_version(),
        "stub_list_size": size,
        "stub_evaluation_s": round(evaluation, 3),
        "cold_flow_s": round(cold_s, 3),
        "unchanged_rerun_s": round(rerun_s, 4),
        "bare_lock_and_build_s": round(bare_s, 3),
        "python_start_and_imports_s": round(interpreter_startup(), 3),
        "rerun_over_cold": round(rerun_ratio, 4),
        "cold_over_bare": round(overhead_ratio, 3),
    }
    print(json.dumps(report, indent=1), file=sys.stderr)
    ok_rerun = verdict("(a) unchanged re-run / cold run", rerun_ratio, TARGET_RERUN)
    ok_overhead = verdict("(b) cold flow / bare lock+build", overhead_ratio, TARGET_OVERHEAD)
    return 0 if ok_rerun and ok_overhead else 1


def measure_child(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (bytes) of one command."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{stderr}")
    return seconds, usage.ru_maxrss * 1024  # Linux reports kilobytes


def real_nixos_benchmark(options: argparse.Namespace, scratch: Path, tree: str) -> int:
    nixpkgs = wrap_tree(tree, scratch / "nixpkgs")
    tag = f"{os.getpid()}-{int(time.time())}"

    def featured(vm: str) -> Callable[[], object]:
        return flow(
            {"guest": {"vm_name": vm}, "lock": {"nixpkgs": nixpkgs}, "build": {"dry_run": True}}
        )

    featured(f"warmup-{tag}")()  # imports, the library's store copy: not measured

    cold, rerun, bare = [], [], []
    for run in range(options.runs):
        vm = f"cold-{run}-{tag}"
        cold.append(timed(featured(vm)))
        rerun.append(timed(featured(vm)))
        # The same kind of fresh config, by hand: one nix build --dry-run,
        # which locks in memory what the flow's lock step writes down.
        plain = rendered_copy(scratch / f"bare-{run}", vm_name=f"bare-{run}-{tag}")
        argv = [
            *NIX,
            "build",
            f"path:{plain}#toplevel",
            "--dry-run",
            "--json",
            "--override-input",
            "nixos-flake/nixpkgs",
            nixpkgs,
        ]
        bare.append(timed(lambda argv=argv: subprocess.run(argv, check=True, capture_output=True)))

    # The featured guest evaluated from scratch, as the first dry run does.
    generation = (Path(os.environ["WORKERS_DIR"]) / "0" / "nix" / f"cold-0-{tag}").resolve()
    evaluations = [
        measure_child(
            [*NIX, "eval", "--raw", "--no-eval-cache", f"path:{generation}#toplevel.drvPath"]
        )
        for _ in range(options.runs)
    ]
    evaluation_s = statistics.median(seconds for seconds, _ in evaluations)
    peak_bytes = max(peak for _, peak in evaluations)

    cold_s, rerun_s, bare_s = (statistics.median(x) for x in (cold, rerun, bare))
    overhead_ratio, rerun_ratio = cold_s / bare_s, rerun_s / cold_s
    report = {
        "nix": nix_version(),
        "nixpkgs": subprocess.run(
            [*NIX, "eval", "--raw", f"{nixpkgs}#lib.version"], capture_output=True, text=True
        ).stdout,
        "machine": machine(),
        "cold_flow_dry_run_s": round(cold_s, 3),
        "bare_nix_build_dry_run_s": round(bare_s, 3),
        "unchanged_dry_rerun_s": round(rerun_s, 4),
        "python_start_and_imports_s": round(interpreter_startup(), 3),
        "featured_evaluation_s": round(evaluation_s, 3),
        "featured_evaluation_peak_mib": round(peak_bytes / 2**20),
    }
    print(json.dumps(report, indent=1), file=sys.stderr)
    ok_overhead = verdict(
        "(a) cold dry run / bare nix build --dry-run", overhead_ratio, TARGET_REAL_OVERHEAD
    )
    ok_rerun = verdict("(b) unchanged dry re-run / cold dry run", rerun_ratio, TARGET_RERUN)
    print(
        f"(c) featured guest: evaluation {evaluation_s:.2f} s, "
        f"peak memory {peak_bytes / 2**20:.0f} MiB"
    )
    return 0 if ok_overhead and ok_rerun else 1


def nix_version() -> str:
    return subprocess.run(["nix", "--version"], capture_output=True, text=True).stdout.strip()


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    return f"{os.cpu_count()} cores, {model}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="measurements of each kind (median is used)"
    )
    parser.add_argument(
        "--eval-seconds", type=float, default=1.0, help="calibrated evaluation cost (stub only)"
    )
    options = parser.parse_args()

    os.environ["NIX_CONFIG"] = "substituters ="  # nothing from the network
    scratch = Path(tempfile.mkdtemp(prefix="flow-bench-"))
    os.environ["WORKERS_DIR"] = str(scratch / "workers")
    os.environ.pop("WM_JOB_ID", None)
    try:
        tree = os.environ.get("NIXPKGS", "").strip()
        if tree:
            return real_nixos_benchmark(options, scratch, tree)
        return stub_benchmark(options, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
