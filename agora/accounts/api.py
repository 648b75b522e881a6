"""Account API: who am I."""
from flask_login import current_user

from agora.core.api import api_blueprint
from agora.core.policy import roles

bp = api_blueprint("accounts_api", __name__)


@bp.get("/me")
def me():
    """The token owner's account, as the pages know it."""
    user = current_user
    profile = user.profile
    return {
        "id": user.id,
        "handle": user.handle,
        "name": user.name,
        "email": user.email,
        "language": user.language,
        "title": profile.title if profile is not None else None,
        "department": user.department_name,
        "roles": sorted(roles(user)),
    }
