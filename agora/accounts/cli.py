"""`flask users ...`: create, import, deactivate, token."""
import click
from flask.cli import AppGroup

users_cli = AppGroup("users", help="Manage accounts.")
