# py311
# requirements:
"""The worker-managed SSH key, trusted in every guest beside the caller's keys.

Upstream kdevops-ng keeps a host-local System workbench (``$SYSTEM_DIR``,
default ``<parent of WORKERS_DIR>/system``) whose ``ssh/id_ed25519.pub`` its
boot and test flows log in with. The variable reaches a Windmill job only
through the worker's WHITELIST_ENVS.
"""

from pathlib import Path

from f.nix.common.errors import FlowInputError
from f.nix.common.input_checks import check_ssh_public_key
from f.nix.common.joblog import log
from f.nix.common.windmill_env import listed_but_unset_sentence, worker_variable

KEY_FILE = Path("ssh") / "id_ed25519.pub"


def system_dir() -> Path | None:
    configured = worker_variable("SYSTEM_DIR")
    if configured:
        return Path(configured)
    workers_dir = worker_variable("WORKERS_DIR")
    return Path(workers_dir).parent / "system" if workers_dir else None


def managed_public_key() -> str | None:
    """The public key line of ``$SYSTEM_DIR/ssh/id_ed25519.pub``, checked; None without one."""
    directory = system_dir()
    path = directory / KEY_FILE if directory else None
    if path is None or not path.is_file():
        unset = listed_but_unset_sentence("SYSTEM_DIR")
        log(
            f"no worker-managed SSH key ({path or '$SYSTEM_DIR/' + str(KEY_FILE)} is absent): "
            "only the ssh_keys given can log in" + (f"; {unset}" if unset else "")
        )
        return None
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    try:
        return check_ssh_public_key(text)
    except ValueError as error:
        raise FlowInputError(f"SYSTEM_DIR: {path} is not an OpenSSH public key: {error}") from None


def with_managed_key(ssh_keys: object) -> object:
    """The caller's ``ssh_keys`` with the worker-managed key after them, when there is one.

    After, so that an error names the caller's keys by their own positions.

    Anything but a list (or None) is left as it is, for the input check to
    refuse by name.
    """
    managed = managed_public_key()
    if managed is None or not (ssh_keys is None or isinstance(ssh_keys, list)):
        return ssh_keys
    return [*(ssh_keys or []), managed]
