"""Language: how the locale is chosen, the language switch, localised dates, complete catalogues."""
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "agora" / "translations"


def lang_of(response) -> str:
    body = response.get_data(as_text=True)
    start = body.index('<html lang="') + len('<html lang="')
    return body[start:body.index('"', start)]


# --- choosing the locale ----------------------------------------------------------------------

def test_accept_language_is_followed_when_nothing_else_is_known(client):
    assert lang_of(client.get("/login", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})) == "fr"
    assert lang_of(client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})) == "en"


def test_the_config_default_applies_without_any_hint(client):
    assert lang_of(client.get("/login")) == "en"
    assert lang_of(client.get("/login", headers={"Accept-Language": "de, es;q=0.8"})) == "en"


class TestFrenchDefault:
    @pytest.fixture
    def app_config(self):
        return {"site": {"default_language": "fr"}}

    def test_the_config_default_can_be_french(self, client):
        assert lang_of(client.get("/login")) == "fr"
        assert lang_of(client.get("/login", headers={"Accept-Language": "de"})) == "fr"
        assert lang_of(client.get("/login", headers={"Accept-Language": "en"})) == "en"


class TestOnlyEnglishOffered:
    @pytest.fixture
    def app_config(self):
        return {"site": {"languages": ["en"]}}

    def test_a_language_not_offered_is_never_used(self, client, make_user, login):
        assert lang_of(client.get("/login", headers={"Accept-Language": "fr"})) == "en"
        client.set_cookie("lang", "fr")
        assert lang_of(client.get("/login")) == "en"
        user = make_user("ana@example.com")
        user.language = "fr"  # chosen while French was offered
        from agora.extensions import db
        db.session.commit()
        login(user)
        assert lang_of(client.get("/people", headers={"Accept-Language": "fr"})) == "en"


def test_the_lang_cookie_beats_accept_language(client):
    client.set_cookie("lang", "fr")
    assert lang_of(client.get("/login", headers={"Accept-Language": "en"})) == "fr"


def test_the_users_preference_beats_cookie_and_accept_language(client, make_user, login):
    from agora.extensions import db

    user = make_user("ana@example.com", name="Ana Lima")
    user.language = "fr"
    db.session.commit()
    login(user)
    client.set_cookie("lang", "en")
    assert lang_of(client.get("/people", headers={"Accept-Language": "en"})) == "fr"


def test_a_user_without_preference_follows_the_browser(client, make_user, login):
    login(make_user("ana@example.com"))
    assert lang_of(client.get("/people", headers={"Accept-Language": "fr"})) == "fr"
    assert lang_of(client.get("/people", headers={"Accept-Language": "en"})) == "en"


# --- the language switch --------------------------------------------------------------------

def test_switch_when_logged_out_sets_a_cookie_and_returns_to_the_page(client):
    response = client.post("/language", data={"language": "fr", "next": "/login?next=/people"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/people"
    cookie = client.get_cookie("lang")
    assert cookie.value == "fr" and cookie.http_only and cookie.secure
    assert lang_of(client.get("/login", headers={"Accept-Language": "en"})) == "fr"


def test_switch_when_logged_in_is_remembered_on_the_account(app, client, make_user, login):
    from agora.extensions import db

    user = make_user("ana@example.com")
    login(user)
    response = client.post("/language", data={"language": "fr", "next": "/people"})
    assert response.headers["Location"] == "/people"
    db.session.expire_all()
    assert db.session.get(type(user), user.id).language == "fr"
    # Another browser, another day: still French, whatever that browser asks for.
    other = app.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    login(user, c=other)
    assert lang_of(other.get("/people", headers={"Accept-Language": "en"})) == "fr"


def test_switch_to_a_language_not_offered_changes_nothing(client, make_user, login):
    user = make_user("ana@example.com")
    login(user)
    response = client.post("/language", data={"language": "de", "next": "/people"})
    assert response.status_code == 302
    assert client.get_cookie("lang") is None
    assert user.language is None


def test_switch_without_next_goes_back_to_the_referring_page_of_this_site(client):
    response = client.post("/language", data={"language": "fr"},
                           headers={"Referer": "https://localhost/people?skill=python"})
    assert response.headers["Location"] == "/people?skill=python"


@pytest.mark.parametrize("next_value, referer", [
    ("https://evil.example/phish", None),
    ("//evil.example/phish", None),
    ("/\\evil.example", None),
    ("\\\\evil.example", None),
    ("javascript:alert(1)", None),
    ("http:evil.example", None),
    ("/\t/evil.example", None),
    ("", "https://evil.example/page"),
    ("", "//evil.example/page"),
    ("", "https://localhost.evil.example/page"),
])
def test_switch_never_redirects_off_site(client, next_value, referer):
    headers = {"Referer": referer} if referer else {}
    response = client.post("/language", data={"language": "fr", "next": next_value}, headers=headers)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/", location
    assert client.get_cookie("lang").value == "fr"  # the choice itself still counts


# --- localised dates ------------------------------------------------------------------------

def test_date_filters_follow_the_locale_and_the_company_time_zone(app):
    from flask_babel import force_locale

    moment = datetime(2026, 3, 5, 23, 30)  # naive UTC, as stored: already 6 March in Paris
    date, stamp = app.jinja_env.filters["date"], app.jinja_env.filters["datetime"]
    with app.test_request_context("/"):
        with force_locale("en"):
            assert date(moment) == "Mar 6, 2026"
            assert date(moment, "long") == "March 6, 2026"
            assert "12:30" in stamp(moment, "short")
        with force_locale("fr"):
            assert date(moment) == "6 mars 2026"
            assert date(moment, "long") == "6 mars 2026"
            assert "00:30" in stamp(moment, "short")
        assert date(None) == "" and stamp(None) == ""


def test_pages_show_dates_in_the_readers_language(client, make_user, login):
    from flask_babel import force_locale, format_datetime

    from agora.accounts.models import UserSession
    from agora.extensions import db

    user = make_user("ana@example.com")
    login(user)
    started = db.session.scalar(db.select(UserSession.created_at).where(UserSession.user_id == user.id))
    with force_locale("fr"):
        french = format_datetime(started)
    with force_locale("en"):
        english = format_datetime(started)
    assert french != english
    client.post("/language", data={"language": "fr", "next": "/settings"})
    page = client.get("/settings").get_data(as_text=True)
    assert french in page and english not in page
    client.post("/language", data={"language": "en", "next": "/settings"})
    page = client.get("/settings").get_data(as_text=True)
    assert english in page


# --- catalogues -----------------------------------------------------------------------------

KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def _source_messages() -> dict:
    """Every msgid in the source, extracted the way `make catalog` does, with where it is used."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(ROOT / "babel.cfg"))
    methods = {"jinja2": "jinja2.ext:babel_extract"}
    method_map = [(pattern, methods.get(method, method)) for pattern, method in method_map]
    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        key = message if isinstance(message, str) else tuple(message)
        if not (key if isinstance(key, str) else key[0]):
            continue
        found.setdefault(key, (filename, lineno))
    return {key: f"{filename}:{lineno}" for key, (filename, lineno) in sorted(found.items(), key=lambda kv: kv[1])}


def _catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


def test_source_extraction_finds_python_and_template_strings():
    # Guards the completeness test below against silently extracting nothing.
    found = _source_messages()
    assert any(where.startswith("agora/") for where in found.values())
    assert any(where.startswith("templates/") for where in found.values())
    assert "Page not found" in found  # a lazy _l() string in agora/core/errors.py
    assert "Skip to content" in found  # a template string in base.html


def test_every_message_has_a_french_translation():
    catalog = _catalog("fr")
    missing = []
    for msgid, where in _source_messages().items():
        singular = msgid if isinstance(msgid, str) else msgid[0]
        entry = catalog.get(singular)
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None:
            missing.append(f"{where}: {singular!r} is not in fr/messages.po")
        elif entry.fuzzy:
            missing.append(f"{where}: {singular!r} is marked fuzzy")
        elif not strings or not all(strings):
            missing.append(f"{where}: {singular!r} has no French translation")
    assert not missing, f"{len(missing)} French translation(s) missing:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_catalogues_compile_and_keep_placeholders(lang):
    catalog = _catalog(lang)
    problems = [f"{message.id!r}: {'; '.join(map(str, errors))}" for message, errors in catalog.check()]
    assert not problems, "\n".join(problems)
    write_mo(BytesIO(), catalog)


def test_template_strings_follow_a_locale_forced_mid_request(app):
    """Templates cache the catalogue per request; forcing another language (emails) still switches it."""
    from flask import render_template_string
    from flask_babel import force_locale, refresh

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        refresh()
        assert render_template_string("{{ _('Search') }}") == "Search"
        with force_locale("fr"):
            assert render_template_string("{{ _('Search') }}") == "Rechercher"
        assert render_template_string("{{ _('Search') }}") == "Search"


def test_template_strings_escape_their_values_and_keep_percent_signs(app):
    """`_()` in templates: values are escaped, "%%" is a percent sign, {% trans %} blocks translate too."""
    from flask import render_template_string
    from flask_babel import force_locale, refresh

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        refresh()
        page = render_template_string("{{ _('Post by %(name)s', name=who) }}|{{ _('100%%') }}|"
                                      "{% trans %}Search{% endtrans %}", who="<b>Zoé</b>")
        assert page == "Post by &lt;b&gt;Zoé&lt;/b&gt;|100%|Search"
        with force_locale("fr"):
            assert render_template_string("{% trans %}Search{% endtrans %}|{{ gettext('Search') }}") == \
                "Rechercher|Rechercher"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_template_dates_read_as_babel_writes_them_in_the_site_zone(app, lang):
    """The `datetime` filter (patterns looked up once) says what Flask-Babel says, summer and winter time."""
    from datetime import datetime

    from flask import render_template_string
    from flask_babel import force_locale, format_datetime

    moments = [datetime(2026, 3, 29, 0, 59), datetime(2026, 3, 29, 1, 0), datetime(2026, 10, 25, 0, 30),
               datetime(2026, 12, 31, 23, 5, 9), datetime(2026, 7, 14, 12, 0, tzinfo=UTC)]
    with app.test_request_context("/"), force_locale(lang):
        for moment in moments:
            for fmt in ("short", "medium", "long"):
                shown = render_template_string("{{ moment|datetime(fmt) }}", moment=moment, fmt=fmt)
                assert shown == format_datetime(moment, fmt), (moment, fmt)
        # Paris: 00:59 UTC is 01:59 before the clocks go forward, 01:00 UTC is 03:00 after.
        after = render_template_string("{{ m|datetime('short') }}", m=moments[1])
        assert after == {"en": "3/29/26, 3:00\u202fAM", "fr": "29/03/2026 03:00"}[lang]
