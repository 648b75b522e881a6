"""Entry point for `flask --app app` and gunicorn `app:app`."""
import sys

from agora import create_app
from agora.config import StartupError

try:
    app = create_app()
except StartupError as exc:
    # An admin's typo (or a wrong library version) deserves a report, not a traceback (gunicorn: see
    # gunicorn.conf.py).
    print(exc.report(), file=sys.stderr)
    sys.exit(1)
