"""Notifications API."""
from agora.core.api import api_blueprint

bp = api_blueprint("notifications_api", __name__)
