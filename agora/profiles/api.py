"""People API."""
from flask import Blueprint

bp = Blueprint("profiles_api", __name__, url_prefix="/api/v1")
