"""Posts and comments are sanitised: the allowlist, links, and the classic XSS tricks."""
import re

import pytest

from agora.walls.rendering import render


@pytest.fixture
def ana(make_user):
    return make_user("ana@example.com", name="Ana Lima")


def html(source):
    return render(source).html


def test_markdown_renders_allowed_tags(app):
    out = html("**bold** _em_ `code`\n\n> quote\n\n- item\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    for tag in ("<strong>bold</strong>", "<em>em</em>", "<code>code</code>", "<blockquote>", "<li>item</li>", "<table>"):
        assert tag in out


@pytest.mark.parametrize("source", [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    "![x](javascript:alert(1))",
])
def test_dangerous_urls_never_survive(app, source):
    out = html(source).lower()
    # Text may still read "javascript:", but no link or image may point there.
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*(javascript|data):", out), out
    assert "<a" not in out or "href" not in out or "alert" not in out.split("href", 1)[1].split(">", 1)[0]


@pytest.mark.parametrize("source", [
    '<img src="x" onerror="alert(1)">',
    '<p onclick="alert(1)">hi</p>',
    '<a href="https://example.com" onmouseover="alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
])
def test_event_and_style_attributes_are_removed(app, source):
    out = html(source).lower()
    assert "onerror" not in out and "onclick" not in out and "onmouseover" not in out and "style=" not in out


@pytest.mark.parametrize("source", [
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<style><script>alert(1)</script></style>",
    "<math><mi><svg><script>alert(1)</script>",
    "<script>alert(1)</script>",
    "<iframe src=\"https://evil.example\"></iframe>",
])
def test_mutation_xss_classics(app, source):
    out = html(source).lower()
    for bad in ("<script", "onerror=", "<svg", "<math", "<style", "<noscript", "<template", "<iframe", "<img src=x"):
        assert bad not in out, (bad, out)


def test_external_links_get_rel(app):
    out = html("[site](https://example.com) and https://example.org")
    assert out.count('rel="nofollow noopener noreferrer"') == 2


def test_config_allowlist_is_applied(app):
    app.config["AGORA"]["content"]["allowed_tags"] = ["p", "a"]
    out = html("**bold** [l](https://e.com)")
    assert "<strong>" not in out and "bold" in out and "<a " in out


def test_deeply_nested_quotes_do_not_crash(app):
    out = html("> " * 5000 + "deep")
    # Nesting is capped by the Markdown parser, so the page stays renderable.
    assert 0 < out.count("<blockquote>") <= 25


def test_malformed_markdown_is_harmless(app):
    out = html("[unclosed](http://x.com *bold **nested _em <b>unclosed <i>` ```\n<div")
    assert "<div" not in out


def test_mentions_and_hashtags_are_linked_outside_code(app, ana):
    out = render("Hi @ana and @ghost #Réunion, `@ana #code` [@ana](https://e.com)\n\n    @ana #indented")
    assert out.html.count('href="/people/ana"') == 1
    assert "@ghost" in out.html and "/people/ghost" not in out.html
    assert 'href="/tags/reunion"' in out.html and "#Réunion" in out.html
    assert "/tags/code" not in out.html and "/tags/indented" not in out.html
    assert out.mentioned == [ana.id]
    assert out.hashtags == {"reunion": "Réunion"}


def test_mentions_are_capped(app, make_user):
    from agora.walls import rendering

    people = [make_user(f"p{i}@example.com") for i in range(rendering.MAX_MENTIONS + 5)]
    out = render(" ".join(f"@{p.handle}" for p in people))
    assert len(out.mentioned) == rendering.MAX_MENTIONS
    assert out.html.count('href="/people/') == rendering.MAX_MENTIONS
    assert f"@{people[-1].handle}" in out.html


def test_thousands_of_unknown_mentions_stay_plain(app):
    out = render(" ".join(f"@nobody{i}" for i in range(3000)))
    assert out.mentioned == [] and "/people/" not in out.html


def test_entities_and_issue_numbers_are_not_hashtags(app):
    out = render("It's #1 & rock'n'roll &amp; #2024")
    assert out.hashtags == {}


@pytest.mark.parametrize("source, href, label", [
    ("![the diagram](https://wiki.example.com/d.png)", "https://wiki.example.com/d.png", "the diagram"),
    ('<img src="//cdn.example.com/x.png" title="logo">', "//cdn.example.com/x.png", "logo"),
    ("![](http://example.com/a.jpg)", "http://example.com/a.jpg", "http://example.com/a.jpg"),
])
def test_images_from_other_sites_become_links_the_csp_does_not_block(app, source, href, label):
    out = html(source)
    assert "<img" not in out
    assert f'<a href="{href}" rel="nofollow noopener noreferrer">{label}</a>' in out


def test_images_stored_in_agora_stay_images(app):
    out = html('![plan](/media/12) <img src="/media/13" alt="photo">')
    assert '<img src="/media/12" alt="plan">' in out and '<img src="/media/13" alt="photo">' in out


def test_an_external_image_label_is_escaped(app):
    out = html('<img src="https://e.com/x.png" alt="<script>alert(1)</script>">')
    assert "<script" not in out and "&lt;script&gt;" in out


def test_each_thread_cleans_with_its_own_cleaner_so_job_threads_never_share_parser_state(app):
    import threading

    from agora.core import sanitiser

    allowlist = sanitiser._allowlist(None)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(sanitiser._cleaner(*allowlist))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen[0] is not seen[1]
    assert sanitiser._cleaner(*allowlist) is sanitiser._cleaner(*allowlist)  # but one per thread, reused
    # Many threads cleaning nested formatting at once all get the same, right answer.
    html = "<p><b><i>x</b></i> <em>y</em></p>" * 20
    expected = sanitiser.clean_html(html)
    results, errors = [], []

    def work():
        try:
            with app.app_context():
                results.extend(sanitiser.clean_html(html) for _ in range(200))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure of a thread
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(4)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert errors == [] and set(results) == {expected}
