"""The English catalogue: complete, compiled from itself, current with the code, and shown at /en/.

Source strings are Indonesian; locale/en/LC_MESSAGES/django.po holds the English. The .po and
its compiled .mo are both committed, so these tests check that they agree with each other and
with what `makemessages` extracts from the code today.
"""

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import translation

from agencies.models import Agency
from certifications.models import Ceremony, Certificate, CertificationBody, Programme, Standard
from tests.factories import UserFactory

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE_DIR / "django.po"
MO = LOCALE_DIR / "django.mo"
# The same command as the catalogue was made with.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "en",
    "--no-obsolete",
    "--ignore=.venv/*",
    "--ignore=tests/*",
    "--ignore=scripts/*",
    "--ignore=staticfiles/*",
]
CEREMONY = "/upacara/penyerahan-sertifikat-hotel-grand-pasundan/"
# GNU gettext; .ci/run installs it when the machine lacks it.
MSGFMT = shutil.which("msgfmt") or "/usr/bin/msgfmt"


# A small PO reader ------------------------------------------------------------------------------


def _unquote(text: str) -> str:
    """A PO string literal's content: the escapes gettext writes are \\\\, \\", \\n and \\t."""
    escapes = {"\\": "\\", '"': '"', "n": "\n", "t": "\t"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), text[1:-1])


def read_po(path: Path) -> list[dict]:
    """Every entry (the header included) as a dict: msgctxt, msgid, msgid_plural, msgstr, plurals, flags."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and entry["msgid"] is not None:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            finish()
            entry, field = None, None
            continue
        if entry is None:
            entry = {
                "msgctxt": None,
                "msgid": None,
                "msgid_plural": None,
                "msgstr": None,
                "plurals": {},
                "flags": set(),
            }
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue  # comments, references and obsolete (#~) lines
        elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line):
            key, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            field = ("plurals", int(index)) if index is not None else (key, None)
            if index is not None:
                entry["plurals"][int(index)] = value
            else:
                entry[key] = value
        elif line.startswith('"') and field is not None:
            key, index = field
            if index is not None:
                entry["plurals"][index] += _unquote(line)
            else:
                entry[key] += _unquote(line)
        else:
            raise AssertionError(f"{path}: cannot read the line {line!r}")
    return entries


def keys(entries: list[dict]) -> set[tuple]:
    return {(e["msgctxt"], e["msgid"], e["msgid_plural"]) for e in entries if e["msgid"]}


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    return read_po(PO)


# The catalogue itself -------------------------------------------------------------------------


def test_the_header_names_the_project_and_english_plurals(catalogue):
    header = catalogue[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    for line in (
        "Project-Id-Version: bandung-iso",
        "Language: en",
        "Content-Type: text/plain; charset=UTF-8",
        "Plural-Forms: nplurals=2; plural=(n != 1);",
    ):
        assert line + "\n" in header["msgstr"]
    text = PO.read_text(encoding="utf-8")
    for placeholder in ("FIRST AUTHOR", "YEAR-MO-DA", "FULL NAME", "PACKAGE VERSION", "LANGUAGE <LL@li.org>"):
        assert placeholder not in text


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e["msgid"] for e in catalogue[1:] if not e["msgstr"] and not all(e["plurals"].values())]
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    plural_gaps = [e["msgid"] for e in catalogue if e["msgid_plural"] is not None and sorted(e["plurals"]) != [0, 1]]
    assert untranslated == []
    assert fuzzy == []
    assert plural_gaps == []
    # GNU gettext agrees, and its format checks (placeholders kept) pass.
    result = subprocess.run(  # noqa: S603 - gettext's msgfmt on our own catalogue
        [MSGFMT, "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr


def test_placeholders_are_kept(catalogue):
    """Every %(name)s, %%, {} and HTML tag of the Indonesian is in the English, no more and no fewer."""
    tokens = re.compile(r"%\(\w+\)[sd]|%%|\{\}|</?[a-z]+>")
    wrong = []
    for entry in catalogue[1:]:
        sources = [entry["msgid"]] if entry["msgid_plural"] is None else [entry["msgid"], entry["msgid_plural"]]
        targets = [entry["msgstr"]] if entry["msgid_plural"] is None else [entry["plurals"][0], entry["plurals"][1]]
        for source, target in zip(sources, targets, strict=True):
            if sorted(tokens.findall(source)) != sorted(tokens.findall(target)):
                wrong.append((source, target))
    assert wrong == []


def test_the_committed_mo_is_the_committed_po_compiled(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run([MSGFMT, "-o", str(compiled), str(PO)], check=True, capture_output=True)  # noqa: S603 - as above
    assert compiled.read_bytes() == MO.read_bytes(), "run: python manage.py compilemessages -l en"


def test_the_po_holds_exactly_what_makemessages_extracts_today(tmp_path, catalogue):
    copy = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "__pycache__",
            ".pytest_cache",
            ".ruff_cache",
            "staticfiles",
            "test-results",
            "locale",
            "*.sqlite3",
            "*.png",
        ),
    )
    (copy / "locale").mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    extracted = keys(read_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    committed = keys(catalogue)
    assert extracted - committed == set(), "new strings: run makemessages and translate them"
    assert committed - extracted == set(), "stale strings: run makemessages with --no-obsolete"


# The pages ----------------------------------------------------------------------------------------

ENGLISH_PAGES = {
    "/en/": [
        "Target: all 83 SKPD certified by 31 December 2013.",
        "At the deadline",
        "Certified SKPD year by year",
        "Where the figures come from",
        "Figure reported by the source: 44 of 83 SKPD certified (about 2012).",
        "about 2012",
    ],
    "/en/skpd/": ["SKPD register", "Search and filter", "Sort by", "SKPD found.", "no longer valid"],
    "/en/skpd/dinas-sosial/": [
        "Status today,",
        "Dinas (department)",
        "ISO 9001:2008, number unknown",
        "about 2012",
        "Valid until",
        "No audit is recorded for this SKPD.",
    ],
    "/en/verifikasi/": ["Certificate check", "Certificate number", "Certification body (optional)", "Good to know"],
    "/en/upacara/": ["Certificate handover ceremonies", "Handed over by", "about 2012", "9 SKPD"],
    f"/en{CEREMONY}": ["Recipient SKPD (9)", "Source and notes", "Notes and interpretation", "number unknown"],
    "/en/tentang-data/": [
        "What the portal holds",
        "What is not yet known",
        "How certified SKPD are counted on a given day",
        "31 December 2012",
        '"about 2012"',
    ],
}
INDONESIAN_PAGES = {
    "/": [
        "Target: seluruh 83 SKPD bersertifikat paling lambat 31 Desember 2013.",
        "Batas waktu itu sudah lewat",
        "SKPD bersertifikat dari tahun ke tahun",
        "sekitar 2012",
    ],
    "/skpd/": ["Daftar SKPD", "Cari dan saring", "SKPD ditemukan.", "tidak berlaku lagi"],
    "/skpd/dinas-sosial/": ["Status hari ini,", "nomor tidak diketahui", "Berlaku sampai", "sekitar 2012"],
    "/verifikasi/": ["Cek sertifikat", "Nomor sertifikat", "Yang perlu diketahui"],
    "/upacara/": ["Upacara penyerahan sertifikat", "Diserahkan oleh", "sekitar 2012"],
    CEREMONY: ["SKPD penerima sertifikat (9)", "Catatan dan tafsiran"],
    "/tentang-data/": [
        "Yang belum diketahui",
        "Cara menghitung SKPD bersertifikat pada suatu hari",
        "31 Desember 2012",
    ],
}
# Words from our templates that an English page must not show (the shipped data, which is
# Indonesian, is taken out of the page first).
INDONESIAN_LEFTOVERS = ["bersertifikat", "Batas waktu", "Daftar SKPD", "sekitar", "paling lambat", "tidak diketahui"]
ENGLISH_LEFTOVERS = ["SKPD register", "certified", "about 2012", "unknown", "Certificate check"]


def _data_texts() -> list[str]:
    """Every text the shipped records carry, longest first: pages show them as stored, in Indonesian."""
    values = set()
    for model, fields in (
        (Agency, ["name", "short_name", "source", "notes"]),
        (Certificate, ["number", "scope", "source", "notes"]),
        (CertificationBody, ["name"]),
        (Ceremony, ["title", "venue", "presided_by", "description", "source", "notes"]),
        (Programme, ["name", "source", "notes"]),
        (Standard, ["code", "title", "source"]),
    ):
        for row in model.objects.values_list(*fields):
            values.update(value for value in row if value)
    return sorted(values, key=len, reverse=True)


def _text(page: str) -> str:
    """What a reader meets: the text between tags and the labels a screen reader speaks, unescaped."""
    labels = re.findall(r'\b(?:aria-label|alt|title|placeholder)="([^"]*)"', page)
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    text = " ".join([re.sub(r"<[^>]*>", " ", page), *labels])
    return " ".join(html.unescape(text).split())


def _without_data(text: str, data: list[str]) -> str:
    for value in data:
        text = text.replace(" ".join(value.split()), " ")
    return text


def _fragments(text: str) -> list[str]:
    """The fixed parts of a msgid, between its placeholders, long enough to mean something."""
    parts = re.split(r"%\(\w+\)[sd]|%%|<[^>]+>", text)
    return [part.strip() for part in parts if len(part.strip()) >= 12]


@pytest.fixture
def shipped(db):
    call_command("load_initial_agencies", verbosity=0)
    return _data_texts()


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(ENGLISH_PAGES))
def test_english_pages_are_in_english(client, shipped, catalogue, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    text = _text(page)
    for expected in ENGLISH_PAGES[path]:
        assert expected in text, expected
    rest = _without_data(text, shipped)
    for word in INDONESIAN_LEFTOVERS:
        assert word not in rest, word
    # No Indonesian source string from the catalogue is left on the page, untranslated.
    leftovers = {
        fragment
        for entry in catalogue[1:]
        if (entry["msgstr"] or entry["plurals"].get(0)) != entry["msgid"]
        for source in filter(None, (entry["msgid"], entry["msgid_plural"]))
        for fragment in _fragments(source)
        if fragment in rest
    }
    assert leftovers == set()


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(INDONESIAN_PAGES))
def test_indonesian_pages_stay_indonesian(client, shipped, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="id">' in page
    text = _text(page)
    for expected in INDONESIAN_PAGES[path]:
        assert expected in text, expected
    rest = _without_data(text, shipped)
    for word in ENGLISH_LEFTOVERS:
        assert word not in rest, word


@pytest.mark.django_db
def test_english_dates_and_plurals(client, shipped):
    page = _text(client.get("/en/").content.decode())
    assert "31 December 2013" in page
    assert "44 SKPD hold certificates that have expired" in page
    assert "0 audits recorded: 0 completed, 0 planned." in page
    with translation.override("en"):
        assert translation.ngettext("dan %(n)s sertifikat lainnya.", "dan %(n)s sertifikat lainnya.", 1) == (
            "and %(n)s more certificate."
        )
        assert translation.ngettext("dan %(n)s sertifikat lainnya.", "dan %(n)s sertifikat lainnya.", 2) == (
            "and %(n)s more certificates."
        )


# The admin --------------------------------------------------------------------------------------

ID_HEADER = "Portal Sertifikasi SMM ISO 9001 Kota Bandung"
EN_HEADER = "Bandung City ISO 9001 QMS Certification Portal"


def test_admin_branding_is_indonesian_by_default(staff_client):
    page = staff_client.get("/admin/").content.decode()
    assert ID_HEADER in page
    assert "Pengelolaan data sertifikasi SKPD" in page
    assert EN_HEADER not in page


@pytest.mark.django_db
def test_admin_branding_and_model_names_in_english():
    """The admin's own words in English: the header, the index title, plural model names."""
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    with translation.override("en"):
        response = admin.site.index(request)
        page = response.render().content.decode()
    assert EN_HEADER in page
    assert "SKPD certification data management" in page
    for name in ("Certificates", "Certification bodies", "Handover ceremonies", "Findings", "Standards"):
        assert f">{name}</a>" in page, name
    assert ID_HEADER not in page


def test_admin_stays_indonesian_when_the_browser_asks_for_english(staff_client):
    """The back office is the city staff's: outside i18n_patterns it always speaks Indonesian."""
    page = staff_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert EN_HEADER not in page
    assert "Portal Sertifikasi SMM ISO 9001 Kota Bandung" in page
