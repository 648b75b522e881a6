"""The one folding of text for matching: handles, sort names, hashtag and skill slugs and the search index."""
from __future__ import annotations

import re
import unicodedata

# Letters that Unicode decomposition leaves whole, spelled as a French or German reader types them
# without the key: "œuvre" is written "oeuvre", "Straße" "Strasse". The search index was built
# with this table, so keeping it leaves every indexed term as it was.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def fold(text: str | None) -> str:
    """Lowercase, accents and ligatures undone, trimmed: "Réunion" -> "reunion", " Œuvre" -> "oeuvre"."""
    text = (text or "").lower().translate(LIGATURES)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).strip()


def slugify(text: str) -> str:
    """URL-safe folded form: "Réseaux sociaux" -> "reseaux-sociaux" (keeps + and # for C++ and C#)."""
    return re.sub(r"[^\w+#.]+", "-", fold(text)).strip("-.")
