"""What a Windmill worker passes a job: its own WM_* variables and WHITELIST_ENVS.

Windmill's Python executor starts a job with a cleared environment: only
the variables the worker's WHITELIST_ENVS names, the WM_* job variables,
PATH, TZ and HOME reach main(). A variable the flow needs and does not find
inside a job was most likely left out of that list.
"""

import os


def in_windmill_job() -> bool:
    return bool(os.environ.get("WM_JOB_ID"))


def in_windmill_job_hint(*variables: str) -> str:
    """A sentence to append to an error about missing ``variables``, inside a job only."""
    if not in_windmill_job():
        return ""
    return (
        f". This Windmill job has no {' or '.join(variables)}: a worker passes its jobs only "
        "the variables its WHITELIST_ENVS lists (and WM_*, PATH, TZ, HOME); add "
        f"{', '.join(variables)} there (README.rst, 'Setting up a worker')"
    )
