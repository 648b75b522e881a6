"""Account API: who am I."""
from agora.core.api import api_blueprint

bp = api_blueprint("accounts_api", __name__)
