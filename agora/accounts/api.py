"""Account API: who am I."""
from flask import Blueprint

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")
