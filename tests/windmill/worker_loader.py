"""Import ``f.*`` modules the way a Windmill worker's Python job does.

Re-created from what the worker's ``backend/windmill-worker/loader.py``
(windmill-labs/windmill) does, in our own code: a finder at the end of
``sys.meta_path`` answers every module under ``f``. ``f`` and ``f.<folder>``
are bare package stubs; ``f.a.b.c`` is the deployed script ``f/a/b/c``,
which the worker fetches over its API, writes to ``<job dir>/tmp/f/a/b/c.py``
and loads from there with a ``ModuleSpec`` given no origin, so the module
gets no ``__file__``. A script that cannot be fetched becomes an empty module.
Here the "deployed" scripts are this repository's files.

Run as ``python -I worker_loader.py <repository> <code>`` from a job directory:
``-I`` keeps the repository, the current directory and PYTHONPATH off
``sys.path``, so only the finder can bring ``f`` in.
"""

import importlib.abc
import importlib.machinery
import os
import sys
from pathlib import Path


class _PackageStub(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__path__ = []


class _DeployedScripts(importlib.abc.MetaPathFinder):
    def __init__(self, deployed: Path):
        self.deployed = deployed

    def find_spec(self, name, path, target=None):
        parts = name.split(".")
        if parts[0] not in ("f", "u"):
            return None
        if len(parts) <= 2:
            return importlib.machinery.ModuleSpec(name, _PackageStub())
        source = self.deployed.joinpath(*parts[:-1], parts[-1] + ".py")
        if not source.is_file():
            return importlib.machinery.ModuleSpec(name, _PackageStub())
        fetched = Path(os.getcwd(), "tmp", *parts[:-1], parts[-1] + ".py")
        fetched.parent.mkdir(parents=True, exist_ok=True)
        fetched.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        # No origin: the module gets no __file__, as on the worker.
        return importlib.machinery.ModuleSpec(
            name, importlib.machinery.SourceFileLoader(name, str(fetched))
        )


def main() -> None:
    repository, code = Path(sys.argv[1]), sys.argv[2]
    if importlib.machinery.PathFinder.find_spec("f") is not None:
        raise SystemExit("the repository is on sys.path: run with python -I from a job directory")
    sys.meta_path.append(_DeployedScripts(repository))
    exec(compile(code, "<job>", "exec"), {"__name__": "__main__"})


if __name__ == "__main__":
    main()
