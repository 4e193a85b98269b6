"""Exit codes, named once: scripts and the Makefile tell outcomes apart by these."""
from __future__ import annotations

import enum


class Exit(enum.IntEnum):
    OK = 0
    INVALID_DATA = 1
    """The data has errors (or warnings, with --strict): nothing was written."""
    USAGE = 2
    """The command line was wrong (Click's own code for this): an unknown option, a --data that
    is no folder, an --out inside the data."""
    RENDER_FAILED = 3
    """The data was valid but a PDF could not be made as it should be: nothing was written."""
    SETUP = 4
    """Something the set-up provides is missing, such as the fonts."""
    WRITE_FAILED = 5
    """The output folder could not be written (a file in the way, no permission, disk full)."""
    INTERRUPTED = 130
    """Stopped by Ctrl-C or SIGTERM before it was done (128 + SIGINT, as shells report it)."""
    INTERNAL = 70
    """A bug in booklet itself (EX_SOFTWARE)."""


class SetupMissing(Exception):
    """Something the set-up (`make booklet`) provides is missing or not as it left it: exit
    SETUP, with the message, which says how to put it back."""
