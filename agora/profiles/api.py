"""People API."""
from agora.core.api import api_blueprint

bp = api_blueprint("profiles_api", __name__)
