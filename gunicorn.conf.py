"""Gunicorn reads this file from the working directory: check the admin config once, in the master.

Without it each worker would fail on an invalid file and gunicorn would respawn them;
here the master prints the same report as `flask config check` and exits with status 1.
"""
import sys

from agora.config import ConfigError, load

try:
    load()
except ConfigError as exc:
    print(exc.report(), file=sys.stderr)
    sys.exit(1)
