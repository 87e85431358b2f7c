# Sourced by the dev/ scripts: where the repository and its virtual environment are.
#   REPOSITORY  this checkout, absolute
#   VENV        the venv dev/setup makes and the scripts run in: $VENV when set (a relative
#               path is taken from the caller's directory), else .venv in the checkout.
#               A venv only runs where its python lives, so another root (dev/current-nix's
#               Debian 13 root) uses its own.
# Both are exported, so that dev/setup, called from another dev/ script, agrees.
REPOSITORY="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ -z "${VENV:-}" ]; then
    VENV="$REPOSITORY/.venv"
elif [ "${VENV#/}" = "$VENV" ]; then
    VENV="$PWD/$VENV"
fi
export REPOSITORY VENV
