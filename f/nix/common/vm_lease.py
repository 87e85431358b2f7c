# py311
# requirements:
"""One flow run at a time per VM: a lease held from render to the end of build.

The second run on a VM fails at once instead of waiting. Runs that share a VM
directory share a worker (same WORKERS_DIR and WORKER_INDEX), and a Windmill
worker runs one job at a time: a step that waited would block the very
worker on which the lease holder's next step has to run.

The lease is the VM's ``Workspace.lease`` file, naming its owner: the run of
this flow (``WM_FLOW_JOB_ID``) whose steps share it, or a single process when
a step runs on its own. Not the outermost flow (``WM_ROOT_FLOW_JOB_ID``): two
f/nix/build subflows of one parent flow are two runs, and one must not take
the other's VM. While a step runs, its process
touches the file every few seconds; a lease nobody touched for
STALE_AFTER seconds (its run was killed) is taken over.

A Windmill cancel or timeout SIGKILLs the step (no handler runs, the lease
stays), so while a step runs the lease also names its process: host, boot,
PID namespace, PID and the process's start time (so that a reused PID is not
taken for it). A lease whose step process is provably gone on this machine
is taken over at once. Between two steps of a run no process holds it; inside
a Windmill job the next run asks the server (with the job's own token)
whether the holder's flow run has finished, and otherwise only STALE_AFTER
applies.
"""

import json
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from f.nix.common.atomic_files import read_json_object, write_text_atomic
from f.nix.common.errors import VmBusyError
from f.nix.common.joblog import log
from f.nix.common.workspace import Workspace

HEARTBEAT_SECONDS = 10.0
STALE_AFTER = 600.0
# How long a run waits for the server's word on a holder's flow run.
ASK_WINDMILL_SECONDS = 5.0


@dataclass
class RunRecord:
    """What the lease file says about the run: the steps done so far and their wall times."""

    path: Path
    shared: bool
    seconds: dict[str, float] = field(default_factory=dict)


def run_owner() -> tuple[str, bool]:
    """Who holds the lease, and whether later steps of the same run share it."""
    flow = os.environ.get("WM_FLOW_JOB_ID")
    if flow:
        return f"flow {flow}", True
    return f"process {os.getpid()} on {socket.gethostname()}", False


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def _process_start(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot); None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    # fields[0] is the state (field 3 of stat(5)), fields[19] the start time (field 22).
    if len(fields) < 20 or fields[0] in ("Z", "X"):
        return None
    return fields[19]


def this_process() -> dict:
    """What identifies the running step's process, for a later run to check it is alive."""
    return {
        "host": socket.gethostname(),
        "boot": _boot_id(),
        "pid_namespace": _pid_namespace(),
        "pid": os.getpid(),
        "pid_start": _process_start(os.getpid()),
    }


def holder_gone(holder: dict) -> str | None:
    """Why the step process named in a lease has provably ended, or None if it may be alive.

    Only a process of this host, boot and PID namespace can be checked; any
    other holder may be alive.
    """
    process = holder.get("process")
    if not isinstance(process, dict) or not isinstance(process.get("pid"), int):
        return None
    if process.get("host") != socket.gethostname():
        return None
    boot = _boot_id()
    if not boot or not process.get("boot"):
        return None
    if process["boot"] != boot:
        return f"its host {process['host']} has rebooted since its step started"
    if process.get("pid_namespace") != _pid_namespace():
        return None
    pid = process["pid"]
    if _process_start(pid) != process.get("pid_start"):
        return f"its step's process {pid} on {process['host']} has ended (killed or cancelled)"
    return None


def flow_finished(holder: dict) -> str | None:
    """Why Windmill says the holder's flow run has finished, or None: running, or no answer.

    Asked only inside a Windmill job (its URL, workspace and token); the
    holder's flow run id is in its owner, ``flow <WM_FLOW_JOB_ID>``.
    """
    owner = holder.get("owner")
    job = owner.removeprefix("flow ") if isinstance(owner, str) else ""
    base = os.environ.get("BASE_INTERNAL_URL") or os.environ.get("WM_BASE_URL")
    workspace, token = os.environ.get("WM_WORKSPACE"), os.environ.get("WM_TOKEN")
    if not (job and job != owner and base and workspace and token):
        return None
    url = (
        f"{base.rstrip('/')}/api/w/{quote(workspace, safe='')}/jobs_u/completed/"
        f"get_result_maybe/{quote(job, safe='')}"
    )
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=ASK_WINDMILL_SECONDS) as response:
            state = json.loads(response.read())
    except (OSError, ValueError):
        return None
    if isinstance(state, dict) and state.get("completed") is True:
        return f"Windmill says its flow run {job} has finished (cancelled, failed or done)"
    return None


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _try_create(path: Path, record: dict) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as lease:
        json.dump(record, lease)
    return True


def acquire(workspace: Workspace, step: str) -> tuple[Path, bool]:
    """Take or re-enter the lease of this VM; returns (lease file, shared with the run)."""
    owner, shared = run_owner()
    path = workspace.lease
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"owner": owner, "step": step, "since": time.time(), "process": this_process()}
    for _ in range(3):
        if _try_create(path, record):
            return path, shared
        holder = read_json_object(path)
        if holder.get("owner") == owner:
            write_text_atomic(path, json.dumps({**holder, "step": step, "process": this_process()}))
            return path, shared
        gone = holder_gone(holder) or flow_finished(holder)
        if gone:
            log(f"taking over the lease of {workspace.vm_name} from {holder.get('owner')}: {gone}")
            path.unlink(missing_ok=True)
            continue
        age = _age(path)
        if age > STALE_AFTER:
            log(
                f"taking over the lease of {workspace.vm_name} from "
                f"{holder.get('owner')}: untouched for {age:.0f} s"
            )
            path.unlink(missing_ok=True)
            continue
        holder_name = holder.get("owner", "another run")
        raise VmBusyError(
            f"vm_name: VM {workspace.vm_name!r} is being built by {holder_name} "
            f"(step {holder.get('step', '?')}, lease touched {age:.0f} s ago); run again when it "
            f"has finished. If no run is active, remove {path}."
        )
    raise VmBusyError(f"vm_name: the lease {path} keeps changing hands; run again")


def release(path: Path) -> None:
    owner, _ = run_owner()
    if read_json_object(path).get("owner") == owner:
        path.unlink(missing_ok=True)


@contextmanager
def vm_lease(workspace: Workspace, step: str, last_step: bool = False) -> Iterator[RunRecord]:
    """Hold this VM's lease for one step.

    Within a flow run the lease outlives the step, so the run's next step
    finds it (with the wall time of this one); the last step, and any
    failing step, releases it. A step run on its own always releases it.
    """
    path, shared = acquire(workspace, step)
    record = RunRecord(path, shared, dict(read_json_object(path).get("seconds", {})))
    started = time.monotonic()
    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                os.utime(path)
            except FileNotFoundError:
                return

    beat = threading.Thread(target=heartbeat, daemon=True)
    beat.start()
    try:
        yield record
    except BaseException:
        release(path)
        raise
    finally:
        stop.set()
        beat.join(timeout=1)
    record.seconds[step] = round(time.monotonic() - started, 3)
    if last_step or not shared:
        release(path)
    else:
        # Passed on to the run's next step: no process holds it until that step starts.
        holder = {k: v for k, v in read_json_object(path).items() if k != "process"}
        write_text_atomic(path, json.dumps({**holder, "seconds": record.seconds}))
