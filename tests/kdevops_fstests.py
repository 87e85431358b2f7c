"""The guest contract upstream kdevops-ng's fstests flows drive a guest by.

Written from dagomez137/kdevops-ng at 336b37a, where the header of
f/fstests/common.py states it and the steps use it:

- discover.py: the guest is ready when `systemctl cat xfstests@.service`
  succeeds and `test -x /usr/lib/xfstests/check` does;
- common.py: the host's `fstests` share (tag `fstests`) is mounted at
  /var/lib/xfstests; the host writes `local.config` (the sections) and
  `check.env` there, the unit's EnvironmentFile, holding
  `HOST_OPTIONS=<guest path of local.config>` and
  `XFSTESTS_CHECK_ARGS=<./check flags>` (render_check_env; the flags from
  build_check_args, `-R xunit` by default);
- start.py: `systemctl start --no-block xfstests@<section>.service`;
- wait.py: the unit's Result and ExecMainStatus (the run's exit status);
- collect.py: the section's xunit report, read from
  `<share>/<uname -r>/results/<section>/result.xml` (section_results_dir);
- check.flow's group list: doc/group-names.txt in the xfstests package of
  the guest's closure (common.py, XFSTESTS_DOC_RELPATH).

Our tests use these names to check the guest and the runner; a change
upstream is a change here and nowhere else.
"""

from pathlib import PurePosixPath

GUEST_STATE_DIR = "/var/lib/xfstests"
SHARE_TAG = "fstests"
GUEST_CHECK = "/usr/lib/xfstests/check"
UNIT_TEMPLATE = "xfstests@"
LOCAL_CONFIG = "local.config"
CHECK_ENV = "check.env"
XUNIT_REPORT = "result.xml"
GROUP_NAMES = "lib/xfstests/doc/group-names.txt"


def check_env(check_args: str) -> str:
    """check.env as upstream's render_config writes it for a run."""
    host_options = f"{GUEST_STATE_DIR}/{LOCAL_CONFIG}"
    return f"HOST_OPTIONS={host_options}\nXFSTESTS_CHECK_ARGS={check_args}\n"


def section_report(kernel_release: str, section: str) -> PurePosixPath:
    """Where collect reads a section's report, as a path in the guest."""
    return PurePosixPath(GUEST_STATE_DIR, kernel_release, "results", section, XUNIT_REPORT)
