"""Account API: who am I."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agora.core.api import api_blueprint
from agora.core.openapi import STRING, array, nullable, obj, operation, ref
from agora.core.policy import roles

ME = obj({
    "id": {"type": "integer"},
    "handle": STRING,
    "name": STRING,
    "email": {"type": "string", "format": "email"},
    "language": nullable(STRING),
    "title": nullable(STRING),
    "department": nullable(STRING),
    "roles": array({"type": "string", "enum": ["admin", "employee", "hr"]}, _l("Everyone is an employee; some are also HR or admins.")),
})

bp = api_blueprint("accounts_api", __name__, tag=(_l("Account"), _l("The token's owner.")), schemas={"Me": ME})


@bp.get("/me")
@operation(_l("The token owner's account"), responses={200: (_l("The account, as the pages know it."), ref("Me"))})
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
