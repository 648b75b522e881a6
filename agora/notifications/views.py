"""Notification pages: the list, read marks and preferences."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)
