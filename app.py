"""Entry point for `flask --app app` and gunicorn `app:app`."""
import sys

from agora import create_app
from agora.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    # An admin's typo deserves the list of problems, not a traceback (gunicorn: see gunicorn.conf.py).
    print(exc.report(), file=sys.stderr)
    sys.exit(1)
