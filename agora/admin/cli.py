"""`flask config check` and `flask config apply`."""
from flask.cli import AppGroup

config_cli = AppGroup("config", help="Check and apply the admin config file.")
