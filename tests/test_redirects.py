"""The one check of where `next` and the Referer may send the reader: a path of this site, never elsewhere."""
import pytest

from agora.core.redirects import same_site_path


# The union of what the six former copies (login, language switch, walls, follows, moderation,
# notifications) accepted and refused, with what the strictest of them added.
@pytest.mark.parametrize("target, expected", [
    ("/people", "/people"),
    ("/login?next=/people", "/login?next=/people"),
    ("/posts/3#comment-5", "/posts/3#comment-5"),  # a notification's stored URL keeps its anchor
    ("https://localhost/people?skill=python", "/people?skill=python"),  # the Referer of this site
    ("http://localhost/people", "/people"),
    (None, None),
    ("", None),
    ("people", None),
    ("//evil.example.com/x", None),
    ("https://evil.example.com/", None),
    ("/\\evil.example.com", None),
    ("\\\\evil.example", None),
    ("javascript:alert(1)", None),
    ("http:evil.example", None),
    ("/\t/evil.example", None),
    ("/\n/evil.example", None),
    ("/\r/evil.example", None),
    ("/\x7f/evil.example", None),
    ("//evil.example/page", None),
    ("https://localhost.evil.example/page", None),
    ("ftp://localhost/people", None),
    ("https://localhost//evil.example", None),
])
def test_only_paths_of_this_site_pass(target, expected):
    assert same_site_path(target, host="localhost") == expected
