"""`/help/api`: the API's description as a page, in the reader's language."""
from flask import Blueprint, render_template
from flask_login import login_required

from agora.apidocs.render import operations_by_tag, parts, rows, type_label
from agora.core.openapi import ALWAYS, WITH_BODY, describe

bp = Blueprint("apidocs", __name__)


@bp.get("/help/api")
@login_required
def page():
    """Every endpoint, grouped, with its parameters, body, responses and the authentication they need."""
    doc = describe()
    schemas = doc["components"]["schemas"]
    return render_template("apidocs/page.html", doc=doc, groups=operations_by_tag(doc), parts=parts,
                           rows=rows, type_label=type_label, always=ALWAYS, with_body=WITH_BODY,
                           shapes=[(name, schemas[name], rows(schemas[name])) for name in sorted(schemas)])
