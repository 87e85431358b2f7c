# py311
# requirements:
"""Every error the flow raises for its user to act on, in one place.

Windmill reports a Python exception by its class name (``error.name``), and
flow.yaml's ``retry_if`` skips the retry for the names of every subclass of
``NotRetryable`` (a test checks the list). A new error class goes here, under
``NotRetryable`` when trying again with the same inputs cannot help.
"""

import shlex
from collections.abc import Sequence


class FlowError(Exception):
    """An error the message of which says what to do; not a bug of the flow."""


class NotRetryable(FlowError):
    """Retrying cannot help: the same inputs and the same worker give the same error."""


class FlowInputError(NotRetryable, ValueError):
    """An input, or the worker's environment, is not usable; the message names it."""


class LibraryError(NotRetryable):
    """The nixos-flake library on the worker is missing or not what the flow expects."""


class StalePinError(NotRetryable):
    """flake.lock pins content that exists nowhere any more; only re-pinning helps."""


class VmBusyError(NotRetryable):
    """Another run holds the VM; waiting inside a same_worker flow would deadlock."""


class BootspecError(NotRetryable):
    """The built system has no usable bootspec (boot.json) to read init and initrd from."""


class NixNotFoundError(NotRetryable):
    """nix is not on the worker (NIX_BIN, PATH, the default profile), or is too old."""


class NixCommandError(FlowError):
    """A nix command failed; a build or a download may succeed on another try."""

    failed = "nix failed"

    def __init__(self, argv: Sequence[str], returncode: int, stderr_tail: Sequence[str]):
        self.argv = list(argv)
        self.returncode = returncode
        self.stderr_tail = list(stderr_tail)
        tail = "\n".join(self.stderr_tail) or "(nix printed nothing on stderr)"
        super().__init__(
            f"{self.failed} with exit status {returncode}: {shlex.join(self.argv)}\n{tail}"
        )


class NixEvaluationError(NixCommandError, NotRetryable):
    """nix died evaluating, before building anything: the config itself is wrong.

    Evaluation depends on nothing but the locked flake, so the same error comes
    back on every try.
    """

    failed = "nix failed evaluating the configuration (the same error recurs on every try)"


def not_retryable_names() -> list[str]:
    """The class names flow.yaml's retry_if must list."""
    found: list[str] = []
    pending = [NotRetryable]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.append(subclass.__name__)
            pending.append(subclass)
    return sorted(set(found))
