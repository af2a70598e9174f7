"""``python -m tui.cli``: the ``whistle`` command (how ``whistle serve`` starts each page's desk)."""

import sys

from tui.cli import main

sys.exit(main())
