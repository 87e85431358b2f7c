"""How much the f/nix/build flow costs over the nix it drives, and how cheap a re-run is.

    .venv/bin/python bench/flow_benchmark.py [--runs 5] [--eval-seconds 1.0]
    NIXPKGS=/path/to/nixpkgs [NIXPKGS_REVISION=<commit>] .venv/bin/python bench/flow_benchmark.py

in the virtual environment dev/setup makes.

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
  (c) the evaluation time and peak memory of the featured guest and of
      the empty selection (`nix eval ...#toplevel.drvPath`, no
      evaluation cache): what the library's profiles and suites cost

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
from f.nix.common.workspace import workspace_for  # noqa: E402
from localflow.flow_runner import run_flow  # noqa: E402
from tests.real_nixos.wrapped_tree import revision_from_environment, wrap_tree  # noqa: E402
from tests.support import OFFLINE_NIX_CONFIG  # noqa: E402

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


def cold_vm(run: int, tag: str) -> str:
    return f"cold-{run}-{tag}"


def measure(
    runs: int,
    tag: str,
    flow_for: Callable[[str], Callable[[], object]],
    bare_for: Callable[[int], Callable[[], object]],
) -> tuple[float, float, float]:
    """Median seconds of a cold run of the flow, of its unchanged re-run and of the bare nix.

    ``flow_for(vm)`` runs the flow for VM ``vm``; ``bare_for(run)`` prepares
    a fresh config of the same kind (not measured) and returns what drives
    it with nix alone. A warm-up run first pays for imports and store copies.
    """
    flow_for(f"warmup-{tag}")()
    cold, rerun, bare = [], [], []
    for run in range(runs):
        cold.append(timed(flow_for(cold_vm(run, tag))))
        rerun.append(timed(flow_for(cold_vm(run, tag))))
        bare.append(timed(bare_for(run)))
    cold_s, rerun_s, bare_s = (statistics.median(x) for x in (cold, rerun, bare))
    return cold_s, rerun_s, bare_s


def stub_benchmark(options: argparse.Namespace, scratch: Path, tag: str) -> int:
    stub = scratch / "stub-nixpkgs"
    size, evaluation = calibrate(stub, options.eval_seconds)

    def stub_flow(vm: str) -> Callable[[], object]:
        return flow(
            {
                "guest": {"vm_name": vm},
                "closure": {"profiles": [], "test_suites": []},
                "lock": {"nixpkgs": f"path:{stub}"},
            }
        )

    def bare_lock_and_build(run: int) -> Callable[[], object]:
        plain = rendered_copy(
            scratch / f"bare-{run}", vm_name=f"bare-{run}-{tag}", profiles=[], test_suites=[]
        )
        return lambda: bare_nix(plain, stub, scratch / f"bare-{run}.out")

    cold_s, rerun_s, bare_s = measure(options.runs, tag, stub_flow, bare_lock_and_build)
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


def real_nixos_benchmark(options: argparse.Namespace, scratch: Path, tree: str, tag: str) -> int:
    wrapped = wrap_tree(tree, scratch / "nixpkgs", revision_from_environment())
    nixpkgs = wrapped.reference

    def featured(vm: str) -> Callable[[], object]:
        return flow(
            {"guest": {"vm_name": vm}, "lock": {"nixpkgs": nixpkgs}, "build": {"dry_run": True}}
        )

    def bare_dry_run(run: int) -> Callable[[], object]:
        # One nix build --dry-run, which locks in memory what the flow's lock
        # step writes down.
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
        return lambda: subprocess.run(argv, check=True, capture_output=True)

    cold_s, rerun_s, bare_s = measure(options.runs, tag, featured, bare_dry_run)

    # Each guest evaluated from scratch, as a first dry run does: the featured
    # one and the empty selection, whose difference is what the library's
    # profiles and suites cost to evaluate.
    featured_generation = workspace_for(cold_vm(0, tag)).generation()
    flow(empty_selection(nixpkgs, f"empty-{tag}"))()
    empty_generation = workspace_for(f"empty-{tag}").generation()
    evaluations = {
        guest: evaluate_from_scratch(generation, options.runs)
        for guest, generation in [
            ("featured", featured_generation),
            ("empty selection", empty_generation),
        ]
    }

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
    }
    for guest, (seconds, peak_bytes) in evaluations.items():
        key = guest.replace(" ", "_")
        report[f"{key}_evaluation_s"] = round(seconds, 3)
        report[f"{key}_evaluation_peak_mib"] = round(peak_bytes / 2**20)
    print(json.dumps(report, indent=1), file=sys.stderr)
    ok_overhead = verdict(
        "(a) cold dry run / bare nix build --dry-run", overhead_ratio, TARGET_REAL_OVERHEAD
    )
    ok_rerun = verdict("(b) unchanged dry re-run / cold dry run", rerun_ratio, TARGET_RERUN)
    for guest, (seconds, peak_bytes) in evaluations.items():
        print(f"(c) {guest}: evaluation {seconds:.2f} s, peak memory {peak_bytes / 2**20:.0f} MiB")
    return 0 if ok_overhead and ok_rerun else 1


def empty_selection(nixpkgs: str, vm: str) -> dict:
    """The flow's inputs for a dry run of a guest with no profile and no suite."""
    return {
        "guest": {"vm_name": vm},
        "closure": {"profiles": [], "test_suites": []},
        "lock": {"nixpkgs": nixpkgs},
        "build": {"dry_run": True},
    }


def evaluate_from_scratch(generation: Path | None, runs: int) -> tuple[float, int]:
    """Median seconds and peak memory of evaluating a VM's toplevel with no evaluation cache."""
    argv = [*NIX, "eval", "--raw", "--no-eval-cache", f"path:{generation}#toplevel.drvPath"]
    measured = [measure_child(argv) for _ in range(runs)]
    return statistics.median(seconds for seconds, _ in measured), max(p for _, p in measured)


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

    os.environ["NIX_CONFIG"] = OFFLINE_NIX_CONFIG  # nothing from the network
    scratch = Path(tempfile.mkdtemp(prefix="flow-bench-"))
    os.environ["WORKERS_DIR"] = str(scratch / "workers")
    os.environ.setdefault("NIXOS_FLAKE_DIR", str(REPOSITORY / "vendor" / "nixos-flake"))
    os.environ.pop("WM_JOB_ID", None)
    tag = f"{os.getpid()}-{int(time.time())}"
    try:
        tree = os.environ.get("NIXPKGS", "").strip()
        if tree:
            return real_nixos_benchmark(options, scratch, tree, tag)
        return stub_benchmark(options, scratch, tag)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
