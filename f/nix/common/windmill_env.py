# py311
# requirements:
"""What a Windmill worker passes a job: its own WM_* variables and WHITELIST_ENVS.

Windmill's Python executor starts a job with a cleared environment: only
the variables the worker's WHITELIST_ENVS names, the WM_* job variables,
PATH, TZ and HOME reach main(). A variable the flow needs and does not find
inside a job was most likely left out of that list. A variable the list
names but the worker itself does not set reaches the job as ``""``: inside
a job the flow reads ``""`` as exactly that, never as a value.
"""

import os


def in_windmill_job() -> bool:
    return bool(os.environ.get("WM_JOB_ID"))


def listed_but_unset(name: str) -> bool:
    """Inside a job: ``name`` is in WHITELIST_ENVS but not set on the worker (it came as "")."""
    return in_windmill_job() and os.environ.get(name) == ""


def worker_variable(name: str) -> str | None:
    """The worker's ``name``, or None when it is not set.

    Inside a Windmill job ``""`` is a variable WHITELIST_ENVS lists and the
    worker does not set: None too (``listed_but_unset`` tells the two apart).
    Outside a job ``""`` is returned as it is.
    """
    if listed_but_unset(name):
        return None
    return os.environ.get(name)


def listed_but_unset_sentence(*variables: str) -> str:
    """What to say about those of ``variables`` that came as ``""``; "" when none did."""
    listed = [name for name in variables if listed_but_unset(name)]
    if not listed:
        return ""
    names = " and ".join(listed)
    are = "is" if len(listed) == 1 else "are"
    return (
        f"{names} {are} listed in WHITELIST_ENVS but not set on the worker (Windmill passes "
        f"such a variable to the job as ''): set {names} in the worker's own environment "
        "(README.rst, 'Setting up a worker')"
    )


def in_windmill_job_hint(*variables: str) -> str:
    """A sentence to append to an error about missing ``variables``, inside a job only."""
    if not in_windmill_job():
        return ""
    sentences = []
    listed = listed_but_unset_sentence(*variables)
    if listed:
        sentences.append(listed)
    absent = [name for name in variables if not listed_but_unset(name)]
    if absent:
        sentences.append(
            f"This Windmill job has no {' or '.join(absent)}: a worker passes its jobs only "
            "the variables its WHITELIST_ENVS lists (and WM_*, PATH, TZ, HOME); add "
            f"{', '.join(absent)} there (README.rst, 'Setting up a worker')"
        )
    return "".join(f". {sentence}" for sentence in sentences)
