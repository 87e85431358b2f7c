import sys

from suite_runner.cli import main

sys.exit(main())
