"""The public parameters (portal/params.py) on the days a calendar makes awkward, through every public page.

"Today" is pinned the way the other tests pin it (``timezone.localdate``, Bandung's date) to
29 February 2028, the 28 February before and after it, and 31 December 2028 (the 366th day);
each public page, in both languages, is asked for ``?per=2028-02-29`` and must answer 200
with that day (and the right standing on it), not a 500.
"""

import datetime

import pytest
from django.utils import timezone, translation

from certifications.dates import DatePrecision, add_years
from certifications.models import CertificateState
from tests.factories import (
    AgencyFactory,
    CeremonyFactory,
    CertificateFactory,
    ProgrammeFactory,
    StandardFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
LEAP_DAY = D(2028, 2, 29)

# Each pinned "today", with the latest day ``?per=`` then accepts (ten years on; a 29
# February has none in 2038, so 28 February).
TODAYS = {
    D(2028, 2, 29): D(2038, 2, 28),
    D(2028, 2, 28): D(2038, 2, 28),
    D(2029, 2, 28): D(2039, 2, 28),
    D(2028, 12, 31): D(2038, 12, 31),
}
# How each of those days is written on the pages ("j F Y"), by language prefix.
WRITTEN = {
    "": {
        D(2028, 2, 29): "29 Februari 2028",
        D(2028, 2, 28): "28 Februari 2028",
        D(2029, 2, 28): "28 Februari 2029",
        D(2028, 12, 31): "31 Desember 2028",
    },
    "/en": {
        D(2028, 2, 29): "29 February 2028",
        D(2028, 2, 28): "28 February 2028",
        D(2029, 2, 28): "28 February 2029",
        D(2028, 12, 31): "31 December 2028",
    },
}
LANGUAGES = list(WRITTEN)
# A ceremony's day is written in each language's short date format (DATE_FORMAT).
HELD = {"": "29 Feb. 2028", "/en": "Feb. 29, 2028"}

# The pages that report "as of" a day, with the parameters each needs besides ?per=.
AS_OF_PAGES = {
    "/": {},
    "/skpd/": {},
    "/skpd/dinas-kabisat/": {},
    "/verifikasi/": {"nomor": "QMS-2028-029"},
}
# The other public pages take no ?per=; given one anyway, they must still answer.
OTHER_PAGES = ["/tentang-data/", "/upacara/", "/upacara/upacara-kabisat/"]


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A request under /en/ leaves English active in this thread: the next test's reverse() would give /en/ paths."""
    yield
    translation.deactivate()


@pytest.fixture(params=list(TODAYS), ids=lambda day: day.isoformat())
def today(request, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: request.param)
    return request.param


@pytest.fixture
def records(today):
    """A programme, and an agency whose only certificate was issued on 29 February 2028, handed over that day."""
    ProgrammeFactory(deadline=D(2028, 12, 31), target_agencies=10)
    standard = StandardFactory(code="ISO 9001:2015", published_on=D(2015, 9, 15), certificates_valid_until=None)
    certificate = CertificateFactory(
        agency=AgencyFactory(slug="dinas-kabisat", name="Dinas Kabisat"),
        standard=standard,
        number="QMS-2028-029",
        issued_on=LEAP_DAY,
        expires_on=add_years(LEAP_DAY, DatePrecision.DAY, 3),
    )
    ceremony = CeremonyFactory(slug="upacara-kabisat", held_on=LEAP_DAY, held_precision=DatePrecision.DAY)
    ceremony.certificates.add(certificate)
    return certificate


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dashboard_given_29_february_reports_that_day_and_today(client, records, today, language):
    response = client.get(f"{language}/", {"per": "2028-02-29"})
    assert response.status_code == 200
    board = response.context["board"]
    assert (board.day, board.today, board.chosen) == (LEAP_DAY, today, True)
    assert board.lead.certified == 1  # issued that very day
    html = response.content.decode()
    assert f'<span class="when">({WRITTEN[language][LEAP_DAY]})</span>' in html
    assert f'<span class="when">({WRITTEN[language][today]})</span>' in html
    # The chart runs to the later of the two days, and ends on it.
    assert board.series.points[-1].day == max(LEAP_DAY, today)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_register_given_29_february_reports_that_day(client, records, today, language):
    response = client.get(f"{language}/skpd/", {"per": "2028-02-29"})
    assert response.status_code == 200
    assert (response.context["day"], response.context["today"]) == (LEAP_DAY, today)
    assert [agency.status for agency in response.context["page"]] == ["certified"]
    html = response.content.decode()
    assert WRITTEN[language][LEAP_DAY] in html
    assert f"({WRITTEN[language][today]})" in html  # the link back to today


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agency_page_given_29_february_reports_that_day(client, records, today, language):
    response = client.get(f"{language}/skpd/dinas-kabisat/", {"per": "2028-02-29"})
    assert response.status_code == 200
    assert response.context["day"] == LEAP_DAY
    assert response.context["agency"].status == "certified"
    assert [c.state for c in response.context["certificates"]] == [CertificateState.VALID]
    assert WRITTEN[language][LEAP_DAY] in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_certificate_check_given_29_february_reports_that_day(client, records, today, language):
    response = client.get(f"{language}/verifikasi/", {"nomor": "QMS-2028-029", "per": "2028-02-29"})
    assert response.status_code == 200
    assert response.context["day"] == LEAP_DAY
    assert [state for _certificate, state in response.context["results"]] == [CertificateState.VALID]
    assert WRITTEN[language][LEAP_DAY] in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("path", "query"), AS_OF_PAGES.items(), ids=list(AS_OF_PAGES))
def test_without_per_every_page_reports_today(client, records, today, language, path, query):
    response = client.get(language + path, query)
    assert response.status_code == 200
    html = response.content.decode()
    if path == "/":
        # The dashboard leads with today; after its deadline (31 December 2028, that day included)
        # the deadline's standing stands beside it.
        board = response.context["board"]
        assert board.day == today
        assert f'<span class="when">({WRITTEN[language][today]})</span>' in html
        if today > D(2028, 12, 31):
            assert board.at_deadline.on == D(2028, 12, 31)
            assert f'<span class="when">({WRITTEN[language][D(2028, 12, 31)]})</span>' in html
        else:
            assert board.at_deadline is None
    else:
        assert response.context["day"] == today
        assert WRITTEN[language][today] in html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("path", "query"), AS_OF_PAGES.items(), ids=list(AS_OF_PAGES))
def test_per_runs_to_the_same_day_ten_years_on_and_no_further(client, records, today, language, path, query):
    latest = TODAYS[today]
    assert client.get(language + path, {**query, "per": "1990-01-01"}).status_code == 200
    assert client.get(language + path, {**query, "per": latest.isoformat()}).status_code == 200
    refused = client.get(language + path, {**query, "per": (latest + datetime.timedelta(days=1)).isoformat()})
    assert refused.status_code == 400
    assert latest.isoformat() in refused.content.decode()  # the message names the bound


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", OTHER_PAGES)
def test_the_pages_without_per_answer_when_given_one(client, records, today, language, path):
    response = client.get(language + path, {"per": "2028-02-29"})
    assert response.status_code == 200
    if "upacara" in path:
        assert HELD[language] in response.content.decode()  # the day it was held


@pytest.mark.parametrize("language", LANGUAGES)
def test_29_february_of_a_common_year_is_a_clear_400_not_a_500(client, records, today, language):
    for path, query in AS_OF_PAGES.items():
        response = client.get(language + path, {**query, "per": "2029-02-29"})
        assert response.status_code == 400, path
