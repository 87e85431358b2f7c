# py311
# requirements:
"""Options of the build step that nix takes as they are: caches, remote builders, jobs."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from f.nix.common.errors import FlowInputError
from f.nix.common.raw_inputs import check_unicode, drop_blank_items, flow_field
from f.nix.common.worker_policy import check_builders, check_substituter, check_trusted_public_key

SUBSTITUTER_SCHEMES = ("https", "http", "file", "s3", "ssh", "ssh-ng", "daemon", "local")
_PUBLIC_KEY = re.compile(r"[A-Za-z0-9._+-]+(:[A-Za-z0-9._+-]+)?:[A-Za-z0-9+/]{43}=")
# nix reads max-jobs as an unsigned 32-bit number.
MAX_JOBS = 2**32 - 1


@dataclass(frozen=True)
class BuildOptions:
    substituters: tuple[str, ...] | None = None
    trusted_public_keys: tuple[str, ...] = ()
    builders: str = ""
    max_jobs: int | None = None

    def nix_args(self) -> list[str]:
        args: list[str] = []
        if self.substituters is not None:
            args += ["--option", "substituters", " ".join(self.substituters)]
        if self.trusted_public_keys:
            args += ["--option", "trusted-public-keys", " ".join(self.trusted_public_keys)]
        if self.builders:
            args += ["--builders", self.builders]
        if self.max_jobs is not None:
            args += ["--max-jobs", str(self.max_jobs)]
        return args


def _substituter(index: int, url: str) -> str:
    field = f"{flow_field('substituters')}[{index}]"
    parts = urlsplit(url)
    if parts.scheme not in SUBSTITUTER_SCHEMES or any(c.isspace() for c in url):
        raise FlowInputError(
            f"{field}: {url!r} is not a binary cache URL; allowed schemes: "
            f"{', '.join(SUBSTITUTER_SCHEMES)} (e.g. https://cache.example.org, file:///srv/cache)"
        )
    return check_substituter(field, url)


def _public_key(index: int, key: str) -> str:
    field = f"{flow_field('trusted_public_keys')}[{index}]"
    if _PUBLIC_KEY.fullmatch(key) is None:
        raise FlowInputError(
            f"{field}: {key!r} is not a Nix public key; expected "
            "'<name>:<base64 ed25519 key>', e.g. cache.example.org-1:<44 characters>"
        )
    return check_trusted_public_key(field, key)


def _strings(name: str, value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise FlowInputError(
            f"{flow_field(name)}: {value!r} is not allowed; expected a list of strings"
        )
    return list(value)


def _max_jobs(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_JOBS:
        raise FlowInputError(
            f"{flow_field('max_jobs')}: {value!r} is not allowed; a whole number from 0 "
            f"(build only on remote builders) to {MAX_JOBS}, or nothing to keep nix.conf's"
        )
    return value


def build_options(
    substituters: list[str] | None,
    trusted_public_keys: list[str] | None,
    builders: str,
    max_jobs: int | None,
) -> BuildOptions:
    """Check the build step's pass-through options; None or empty keeps nix.conf's settings.

    An empty list of substituters means "not given" rather than "no caches":
    a cleared form field sends [], and silently building everything from
    source would be a poor reading of it. What a caller may pass at all is
    the worker's policy (worker_policy).
    """
    for field, value in (
        ("substituters", substituters),
        ("trusted_public_keys", trusted_public_keys),
        ("builders", builders),
    ):
        check_unicode(flow_field(field), value)
    caches, cache_positions = drop_blank_items(
        "substituters", _strings("substituters", substituters)
    )
    keys, key_positions = drop_blank_items(
        "trusted_public_keys", _strings("trusted_public_keys", trusted_public_keys)
    )
    if not isinstance(builders, str):
        raise FlowInputError(
            f"{flow_field('builders')}: {builders!r} is not allowed; expected a string"
        )
    builders = builders.strip()
    if builders.startswith("-") or any(not c.isprintable() and c != "\n" for c in builders):
        raise FlowInputError(
            f"{flow_field('builders')}: {builders!r} is not a builders specification; "
            "expected e.g. 'ssh://builder x86_64-linux - 8'"
        )
    return BuildOptions(
        substituters=tuple(map(_substituter, cache_positions, caches)) if caches else None,
        trusted_public_keys=tuple(map(_public_key, key_positions, keys)),
        builders=check_builders(flow_field("builders"), builders) if builders else "",
        max_jobs=_max_jobs(max_jobs),
    )
