"""Templates build URLs through a per-request cache of each endpoint's URL: it must give Flask's URL, always."""
import pytest
from flask import url_for


def _samples(rule):
    """Values for each argument of `rule`: plain ones (cached path) and ones that need quoting (Flask's path)."""
    plain, odd = {}, {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind in ("IntegerConverter", "NumberConverter"):
            plain[name], odd[name] = 42, 0
        elif kind == "AnyConverter":
            plain[name] = odd[name] = sorted(converter.items)[-1]
        else:
            plain[name], odd[name] = "ana.lima-2", "élodie d'Arc/x y"
    return plain, odd


def test_every_endpoint_gives_flasks_url(app):
    from agora.core.templating import _url_for

    checked = 0
    with app.test_request_context("/"):
        for rule in app.url_map.iter_rules():
            plain, odd = _samples(rule)
            for values in (plain, odd, {**plain, "cursor": "abc.123"}, {**plain, "q": "deux mots"},
                           {**plain, "_anchor": "comments"}):
                try:
                    expected = url_for(rule.endpoint, **values)
                except Exception:
                    continue
                assert _url_for(rule.endpoint, **values) == expected, (rule.endpoint, values)
                # Twice: the second answer comes from the cache.
                assert _url_for(rule.endpoint, **values) == expected, (rule.endpoint, values)
                checked += 1
    assert checked > 100
    assert any("<any" in rule.rule for rule in app.url_map.iter_rules())  # the converter above is exercised


@pytest.mark.parametrize("values", [{"post_id": 7}, {"post_id": 123456}, {"post_id": 7}])
def test_cached_urls_take_each_calls_values(app, values):
    from agora.core.templating import _url_for

    with app.test_request_context("/"):
        assert _url_for("walls.show_post", post_id=1) == "/posts/1"
        assert _url_for("walls.show_post", **values) == url_for("walls.show_post", **values)
        assert _url_for("profiles.show", handle="ana") == "/people/ana"
        assert _url_for("profiles.show", handle="bob.2") == "/people/bob.2"
        assert _url_for("profiles.show", handle="zoé") == url_for("profiles.show", handle="zoé")


def test_script_root_is_kept(app):
    from agora.core.templating import _url_for

    with app.test_request_context("/", base_url="http://intranet.example/agora/"):
        assert _url_for("walls.show_post", post_id=5) == url_for("walls.show_post", post_id=5) == "/agora/posts/5"
