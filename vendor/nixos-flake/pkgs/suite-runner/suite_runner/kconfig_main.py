import sys

from suite_runner.kconfig import main

sys.exit(main())
