"""`GET /api/v1/openapi.json`: the OpenAPI 3.1 description of every /api/v1 endpoint, this one included."""
from flask import jsonify
from flask_babel import lazy_gettext as _l

from agora.core.api import api_blueprint
from agora.core.openapi import describe_in_english, operation

bp = api_blueprint("apidocs_api", __name__, tag=(_l("Description"), _l("This description of the API.")))


@bp.get("/openapi.json")
@operation(_l("This description"), description=_l("Assembled from the URL map and what each endpoint declares; "
                                                  "its page, /help/api, shows the same to people."),
           responses={200: (_l("An OpenAPI 3.1 document."), {"type": "object", "required": ["openapi", "paths"]})})
def openapi():
    return jsonify(describe_in_english())
