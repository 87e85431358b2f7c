"""Options of the build step that nix takes as they are: caches, remote builders, jobs."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from f.nix.common.errors import FlowInputError

SUBSTITUTER_SCHEMES = ("https", "http", "file", "s3", "ssh", "ssh-ng", "daemon", "local")
_PUBLIC_KEY = re.compile(r"[A-Za-z0-9._+-]+(:[A-Za-z0-9._+-]+)?:[A-Za-z0-9+/]{43}=")


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


def _substituter(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in SUBSTITUTER_SCHEMES or any(c.isspace() for c in url):
        raise FlowInputError(
            f"substituters: {url!r} is not a binary cache URL; allowed schemes: "
            f"{', '.join(SUBSTITUTER_SCHEMES)} (e.g. https://cache.example.org, file:///srv/cache)"
        )
    return url


def _public_key(key: str) -> str:
    if _PUBLIC_KEY.fullmatch(key) is None:
        raise FlowInputError(
            f"trusted_public_keys: {key!r} is not a Nix public key; expected "
            "'<name>:<base64 ed25519 key>', e.g. cache.example.org-1:<44 characters>"
        )
    return key


def build_options(
    substituters: list[str] | None,
    trusted_public_keys: list[str] | None,
    builders: str,
    max_jobs: int | None,
) -> BuildOptions:
    """Check the build step's pass-through options; None or empty keeps nix.conf's settings.

    An empty list of substituters means "not given" rather than "no caches":
    a cleared form field sends [], and silently building everything from
    source would be a poor reading of it.
    """
    builders = builders.strip()
    if builders.startswith("-") or "\0" in builders:
        raise FlowInputError(
            f"builders: {builders!r} is not a builders specification; expected e.g. "
            "'ssh://builder x86_64-linux - 8' or '@/etc/nix/machines'"
        )
    if max_jobs is not None and (isinstance(max_jobs, bool) or max_jobs < 0):
        raise FlowInputError(
            f"max_jobs: {max_jobs!r} is not allowed; a whole number, 0 to build only remotely"
        )
    return BuildOptions(
        substituters=tuple(map(_substituter, substituters)) if substituters else None,
        trusted_public_keys=tuple(map(_public_key, trusted_public_keys or ())),
        builders=builders,
        max_jobs=max_jobs,
    )
