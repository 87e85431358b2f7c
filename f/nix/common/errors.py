"""Errors the steps raise for the user to act on (as opposed to bugs)."""


class FlowInputError(ValueError):
    """An input or the worker environment is not usable; the message says how to fix it."""
