"""Serving stored media."""
from flask import Blueprint

bp = Blueprint("media", __name__)
