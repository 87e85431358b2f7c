"""The suites suite-run knows, by the name its units pass."""

from suite_runner.suite import Suite
from suite_runner.suites.blktests import Blktests
from suite_runner.suites.fstests import Fstests
from suite_runner.suites.gitr import Gitr
from suite_runner.suites.kselftest import Kselftest
from suite_runner.suites.kunit import Kunit
from suite_runner.suites.ltp import Ltp
from suite_runner.suites.mmtests import Mmtests
from suite_runner.suites.nfstest import Nfstest
from suite_runner.suites.pynfs import Pynfs
from suite_runner.suites.sysbench import Sysbench
from suite_runner.suites.usertests import Usertests

SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        Blktests(),
        Fstests(),
        Gitr(),
        Kselftest(),
        Kunit(),
        Ltp(),
        Mmtests(),
        Nfstest(),
        Pynfs(),
        Sysbench(),
        Usertests(),
    )
}
