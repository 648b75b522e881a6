"""Route arguments the database can take: `<int:...>` within the id columns, text without NUL."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter, UnicodeConverter

from agora.core.ids import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number too large for the id columns matches no route (404), not a 500."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


class TextConverter(UnicodeConverter):
    """`<slug>`, `<handle>`: a NUL matches no route (404); PostgreSQL refuses it in a parameter (a 500)."""

    def __init__(self, map, minlength: int = 1, maxlength: int | None = None, length: int | None = None) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


def register_converters(app) -> None:
    """Make these the converters of every route; before any blueprint adds its rules."""
    app.url_map.converters.update(int=IdConverter, default=TextConverter, string=TextConverter)
