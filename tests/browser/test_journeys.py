"""Journeys in the real browser, in English and in French: what two colleagues do in a morning."""
import pytest

from tests.browser.journey import CASTS
from tests.browser.journey_spaces import SpacesJourney


@pytest.fixture(scope="module", params=sorted(CASTS))
def journey(request, browser, live_server):
    story = SpacesJourney(CASTS[request.param], browser, live_server)
    yield story
    story.close()


def test_log_in_in_ones_language(journey):
    page = journey.log_in()
    assert page.get_attribute("html", "lang") == journey.lang


def test_edit_profile_and_photo(journey):
    page = journey.edit_profile()
    # The directory finds the author by the skill just added.
    page.goto(f"/people?skill={journey.cast.new_skill}")
    assert page.locator(f".people-grid a[href='/people/{journey.author.handle}']").count() == 1


def test_find_colleague_by_skill(journey):
    colleague = journey.find_colleague()
    assert colleague.handle and colleague.handle != journey.author.handle
    assert colleague.email.endswith("@agora.example")


def test_post_on_colleague_wall_with_mention(journey):
    assert journey.post_with_mention().startswith("/posts/")


def test_colleague_sees_notification_comments_and_reacts(journey):
    page = journey.colleague_answers()
    assert page.get_attribute("html", "lang") == journey.lang


def test_author_hears_back(journey):
    journey.author_hears_back()


def test_search_finds_the_post_without_accents(journey):
    journey.search_without_accents()


def test_ask_to_join_a_closed_space_and_get_approved(journey):
    page = journey.moderator_approves()
    assert page.url.endswith(f"/spaces/{journey.cast.closed_space}")


def test_report_a_post(journey):
    assert journey.member_reports()


def test_hr_hides_it_with_a_reason(journey):
    assert journey.hr_hides()


def test_author_sees_the_notice_and_appeals(journey):
    assert journey.author_appeals()


def test_a_second_moderator_decides_the_appeal(journey):
    assert journey.second_moderator_decides()


def test_the_moderation_record_shows_it_all(journey):
    journey.ledger_shows_it_all()
