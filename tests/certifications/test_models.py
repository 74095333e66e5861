"""The certification models: constraints (friendly in full_clean, enforced by the database), queries, text."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from agencies.models import AgencyStatus
from certifications.dates import DatePrecision
from certifications.models import (
    Audit,
    Certificate,
    ClauseSet,
    Finding,
    Programme,
    ProgrammeMember,
    Standard,
    StatusStretch,
)
from certifications.models.audits import RETURNED_IS_OPEN
from tests.assertions import assert_violates
from tests.factories import (
    AgencyFactory,
    AuditFactory,
    CeremonyFactory,
    CertificateFactory,
    CertificationBodyFactory,
    FindingFactory,
    ProgrammeFactory,
    ProgrammeMemberFactory,
    StandardFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
BLANK = "Field ini tidak boleh kosong."  # Django's own message, in Indonesian
INVALID_CHOICE = "bukan pilihan yang valid"  # Django's own message, in Indonesian
YEAR_PRECISIONS = [DatePrecision.YEAR, DatePrecision.ABOUT_YEAR, DatePrecision.BY_YEAR]


def messages_on(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


# Builders of unsaved rows whose related rows exist ----------------------------------------


def stretch(**overrides):
    row = {"starts_on": D(2013, 1, 1), "ends_on": D.max, "status": AgencyStatus.EXPIRED, **overrides}
    return StatusStretch(agency=AgencyFactory(), **row)


def duplicate_stretch():
    saved = stretch()
    saved.save()
    return StatusStretch(agency=saved.agency, starts_on=saved.starts_on, ends_on=D.max, status=AgencyStatus.EXPIRED)


def certificate(**overrides):
    overrides.setdefault("agency", AgencyFactory())
    overrides.setdefault("standard", StandardFactory())
    return CertificateFactory.build(**overrides)


def iso_2015():
    return StandardFactory(
        code="ISO 9001:2015", published_on=D(2015, 9, 15), certificates_valid_until=None, source="Data uji"
    )


def audit(**overrides):
    overrides.setdefault("agency", AgencyFactory())
    return AuditFactory.build(**overrides)


def finding(**overrides):
    overrides.setdefault("audit", AuditFactory())
    return FindingFactory.build(**overrides)


# A nonconformity at each later step of its workflow, every other rule met: a case below
# breaks exactly one constraint, so the database names that one on SQLite and PostgreSQL.
ANSWERED = {"corrective_action": "Prosedur pengendalian dokumen direvisi.", "action_proposed_on": D(2012, 3, 20)}
VERIFIED = {"verification": "Daftar induk dokumen diperiksa ulang; tidak ada dokumen kedaluwarsa."}


def proposed(**overrides):
    return finding(**{"status": Finding.Status.ACTION_PROPOSED, **ANSWERED, **overrides})


def closed(**overrides):
    overrides.setdefault("verified_by", UserFactory())
    return finding(**{"status": Finding.Status.CLOSED, "closed_on": D(2012, 4, 1), **ANSWERED, **VERIFIED, **overrides})


def duplicate_standard_code():
    StandardFactory()
    return StandardFactory.build()


def duplicate_body_name():
    CertificationBodyFactory(name="Lembaga Contoh")
    return CertificationBodyFactory.build(name="LEMBAGA contoh")  # case does not make another body


def duplicate_certificate_number():
    body = CertificationBodyFactory()
    CertificateFactory(body=body, number="QMS/2012/001")
    return certificate(body=body, number="QMS/2012/001")


def duplicate_ceremony_slug():
    CeremonyFactory(slug="penyerahan-2012")
    return CeremonyFactory.build(slug="penyerahan-2012")


def duplicate_programme_slug():
    ProgrammeFactory(slug="target-2013")
    return ProgrammeFactory.build(slug="target-2013")


def duplicate_member():
    member = ProgrammeMemberFactory()
    return ProgrammeMember(programme=member.programme, agency=member.agency, source="Data uji")


def case(build, field, message, constraint, sqlite_unique=None):
    return pytest.param(build, field, message, constraint, sqlite_unique, id=constraint)


SUSPENSION = {"status_changed_on": D(2013, 6, 1), "status_reason": "Audit surveilans tidak dilaksanakan."}

CASES = [
    # Standard
    case(
        duplicate_standard_code,
        "code",
        "Kode standar ini sudah ada.",
        "standard_code_unique",
        "certifications_standard.code",
    ),
    case(
        lambda: StandardFactory.build(
            code="ISO 9001:2015", published_on=D(2015, 9, 15), certificates_valid_until=D(2015, 9, 15)
        ),
        "certificates_valid_until",
        "Batas berlaku sertifikat harus sesudah tanggal terbit standar.",
        "standard_validity_after_publication",
    ),
    case(lambda: StandardFactory.build(source=""), "source", BLANK, "standard_has_source"),
    case(
        lambda: StandardFactory.build(code="ISO 14001:2015", clause_set="iso14001_2015"),
        "clause_set",
        INVALID_CHOICE,
        "standard_clause_set_valid",
    ),
    # CertificationBody
    case(
        duplicate_body_name,
        NON_FIELD_ERRORS,
        "Lembaga sertifikasi dengan nama ini sudah ada.",
        "certification_body_name_unique",
    ),
    # Certificate
    case(
        duplicate_certificate_number,
        NON_FIELD_ERRORS,
        "Lembaga ini sudah menerbitkan sertifikat dengan nomor yang sama.",
        "certificate_number_unique_per_body",
        "certifications_certificate.body_id, certifications_certificate.number",
    ),
    case(
        lambda: certificate(issued_on=D(2012, 5, 14), expires_on=D(2012, 5, 14)),
        "expires_on",
        "Tanggal kedaluwarsa harus sesudah tanggal terbit.",
        "certificate_expires_after_issue",
    ),
    case(lambda: certificate(status="revoked", **SUSPENSION), "status", INVALID_CHOICE, "certificate_status_valid"),
    case(
        lambda: certificate(status=Certificate.Status.SUSPENDED, status_reason="Audit tidak dilaksanakan."),
        "status_changed_on",
        "Isi tanggal pembekuan atau pencabutan.",
        "certificate_status_change_recorded",
    ),
    case(
        lambda: certificate(status=Certificate.Status.WITHDRAWN, status_changed_on=D(2013, 6, 1)),
        "status_reason",
        "Tulis alasan pembekuan atau pencabutan.",
        "certificate_status_change_recorded",
    ),
    case(lambda: certificate(source=""), "source", BLANK, "certificate_has_source"),
    # Audit
    case(
        lambda: audit(starts_on=D(2012, 3, 2), ends_on=D(2012, 3, 1)),
        "ends_on",
        "Tanggal selesai audit tidak boleh sebelum tanggal mulai.",
        "audit_ends_after_start",
    ),
    case(
        lambda: audit(kind=Audit.Kind.STAGE_2, outside_validity_reason="Sertifikat lama sudah berakhir."),
        "outside_validity_reason",
        "Alasan audit di luar masa berlaku sertifikat hanya untuk audit resertifikasi atau audit khusus atas "
        "sertifikat.",
        "audit_validity_reason_only_for_its_kinds",
    ),
    case(lambda: audit(kind="stage_3"), "kind", INVALID_CHOICE, "audit_kind_valid"),
    case(lambda: audit(status="postponed"), "status", INVALID_CHOICE, "audit_status_valid"),
    case(
        lambda: audit(kind=Audit.Kind.SURVEILLANCE, certificate=None),
        "certificate",
        "Audit surveilans dan resertifikasi harus menyebut sertifikatnya.",
        "audit_cycle_audit_has_certificate",
    ),
    # Finding
    case(
        lambda: closed(closed_on=None),
        "closed_on",
        "Temuan yang ditutup wajib mencatat tanggal penutupannya.",
        "finding_closed_has_date",
    ),
    case(
        lambda: proposed(closed_on=D(2012, 4, 1)),
        "closed_on",
        "Temuan yang belum ditutup tidak boleh punya tanggal penutupan.",
        "finding_open_has_no_closing_date",
    ),
    # A number in neither standard; a number of the other standard is refused by clean() only.
    case(
        lambda: finding(clause="11.1"), "clause", "Klausul 11.1 tidak ada dalam daftar klausul.", "finding_clause_valid"
    ),
    case(lambda: finding(grade="critical"), "grade", INVALID_CHOICE, "finding_grade_valid"),
    case(lambda: finding(status="reopened"), "status", INVALID_CHOICE, "finding_status_valid"),
    case(
        lambda: finding(grade=Finding.Grade.MINOR, status=Finding.Status.NOTED),
        "status",
        "observasi dan peluang perbaikan hanya dicatat.",
        "finding_status_fits_grade",
    ),
    case(
        lambda: finding(grade=Finding.Grade.MAJOR, due_on=None),
        "due_on",
        "Ketidaksesuaian mayor wajib punya batas waktu penyelesaian.",
        "finding_major_has_due_date",
    ),
    case(
        lambda: finding(audit=AuditFactory(starts_on=D(2012, 3, 1), ends_on=D(2012, 3, 2)), due_on=D(2012, 3, 1)),
        "due_on",
        "Batas waktu tidak boleh sebelum tanggal temuan disampaikan (02-03-2012).",
        "finding_due_not_before_raised",
    ),
    case(
        lambda: proposed(corrective_action=""),
        "corrective_action",
        "Tindakan korektif wajib diisi sebelum temuan diusulkan selesai atau ditutup.",
        "finding_action_recorded",
    ),
    case(
        lambda: closed(verification=""),
        "verification",
        "Temuan hanya dapat ditutup dengan hasil verifikasi dan nama pemverifikasinya.",
        "finding_closed_is_verified",
    ),
    case(
        lambda: closed(closed_on=D(2012, 3, 19)),
        "closed_on",
        "Tanggal penutupan tidak boleh sebelum tindakan korektif diusulkan.",
        "finding_closed_after_proposal",
    ),
    # Ceremony
    case(
        duplicate_ceremony_slug,
        "slug",
        "Slug upacara ini sudah dipakai.",
        "ceremony_slug_unique",
        "certifications_ceremony.slug",
    ),
    case(lambda: CeremonyFactory.build(source=""), "source", BLANK, "ceremony_has_source"),
    # Programme
    case(
        duplicate_programme_slug,
        "slug",
        "Slug program ini sudah dipakai.",
        "programme_slug_unique",
        "certifications_programme.slug",
    ),
    # StatusStretch (written by the timeline store only; the rules hold for any writer)
    case(
        lambda: stretch(starts_on=D(2013, 1, 2), ends_on=D(2013, 1, 1)),
        NON_FIELD_ERRORS,
        "Masa status harus berakhir pada atau sesudah hari pertamanya.",
        "statusstretch_ends_after_start",
    ),
    case(lambda: stretch(status="lapsed"), "status", INVALID_CHOICE, "statusstretch_status_valid"),
    case(
        lambda: stretch(status=AgencyStatus.CERTIFIED, expired=True),
        NON_FIELD_ERRORS,
        "Alasan tidak bersertifikat hanya dicatat pada masa tidak bersertifikat.",
        "statusstretch_reasons_only_when_not_certified",
    ),
    case(
        duplicate_stretch,
        NON_FIELD_ERRORS,
        "SKPD ini sudah punya masa status yang mulai pada hari itu.",
        "statusstretch_agency_start_unique",
        "certifications_statusstretch.agency_id, certifications_statusstretch.starts_on",
    ),
    case(
        duplicate_member,
        NON_FIELD_ERRORS,
        "SKPD ini sudah tercatat sebagai anggota program ini.",
        "programmemember_unique",
        "certifications_programmemember.programme_id, certifications_programmemember.agency_id",
    ),
    case(
        lambda: ProgrammeMemberFactory.build(
            programme=ProgrammeFactory(), agency=AgencyFactory(), starts_on=D(2013, 1, 2), ends_on=D(2013, 1, 1)
        ),
        "ends_on",
        "Tanggal akhir keanggotaan tidak boleh sebelum tanggal mulainya.",
        "programmemember_ends_after_start",
    ),
    case(
        lambda: ProgrammeMemberFactory.build(programme=ProgrammeFactory(), agency=AgencyFactory(), source=" "),
        "source",
        "Sumber wajib diisi: dari mana data ini berasal.",
        "programmemember_has_source",
    ),
    case(
        lambda: ProgrammeFactory.build(target_agencies=0),
        NON_FIELD_ERRORS,
        "Target jumlah SKPD harus lebih dari nol.",
        "programme_target_positive",
    ),
    case(
        lambda: ProgrammeFactory.build(reported_certified=84, reported_total=83),
        "reported_certified",
        "Jumlah bersertifikat yang dilaporkan melebihi jumlah SKPD yang dilaporkan.",
        "programme_reported_within_total",
    ),
    case(lambda: ProgrammeFactory.build(source=""), "source", BLANK, "programme_has_source"),
]

# More than one way to break some constraints.
CASES += [
    *[
        pytest.param(
            build,
            "source",
            "Sumber wajib diisi: dari mana data ini berasal.",
            f"{name}_has_source",
            None,
            id=f"{name}_has_source-white-space",
        )
        for name, build in (
            ("standard", lambda: StandardFactory.build(code="ISO 9001:2015", source=" \t ")),
            ("certificate", lambda: certificate(source="   ")),
            ("ceremony", lambda: CeremonyFactory.build(source=" ")),
            ("programme", lambda: ProgrammeFactory.build(source="\n")),
        )
    ],
    pytest.param(
        lambda: StandardFactory.build(
            code="ISO 9001:2015", published_on=D(2015, 9, 15), certificates_valid_until=D(2015, 9, 14)
        ),
        "certificates_valid_until",
        "Batas berlaku sertifikat harus sesudah tanggal terbit standar.",
        "standard_validity_after_publication",
        None,
        id="standard_validity_after_publication-before",
    ),
    pytest.param(
        lambda: certificate(issued_on=D(2012, 5, 14), expires_on=D(2012, 5, 13)),
        "expires_on",
        "Tanggal kedaluwarsa harus sesudah tanggal terbit.",
        "certificate_expires_after_issue",
        None,
        id="certificate_expires_after_issue-before",
    ),
    pytest.param(
        lambda: certificate(status=Certificate.Status.WITHDRAWN),
        "status_changed_on",
        "Isi tanggal pembekuan atau pencabutan.",
        "certificate_status_change_recorded",
        None,
        id="certificate_status_change_recorded-nothing",
    ),
    pytest.param(
        lambda: audit(kind=Audit.Kind.RECERTIFICATION, certificate=None),
        "certificate",
        "Audit surveilans dan resertifikasi harus menyebut sertifikatnya.",
        "audit_cycle_audit_has_certificate",
        None,
        id="audit_cycle_audit_has_certificate-recertification",
    ),
    pytest.param(
        lambda: finding(status=Finding.Status.OPEN, closed_on=D(2012, 4, 1)),
        "closed_on",
        "Temuan yang belum ditutup tidak boleh punya tanggal penutupan.",
        "finding_open_has_no_closing_date",
        None,
        id="finding_open_has_no_closing_date-open",
    ),
    pytest.param(
        lambda: finding(clause=""),
        "clause",
        BLANK,
        "finding_clause_valid",
        None,
        id="finding_clause_valid-blank",
    ),
    *[
        pytest.param(
            build,
            "status",
            "observasi dan peluang perbaikan hanya dicatat.",
            "finding_status_fits_grade",
            None,
            id=f"finding_status_fits_grade-{name}",
        )
        for name, build in (
            ("observation-open", lambda: finding(grade=Finding.Grade.OBSERVATION, status=Finding.Status.OPEN)),
            ("opportunity-proposed", lambda: proposed(grade=Finding.Grade.OPPORTUNITY)),
            ("major-noted", lambda: finding(grade=Finding.Grade.MAJOR, status=Finding.Status.NOTED)),
        )
    ],
    *[
        pytest.param(build, field, message, "finding_action_recorded", None, id=f"finding_action_recorded-{name}")
        for name, build, field, message in (
            (
                "white-space",
                lambda: proposed(corrective_action=" \t\r\n "),
                "corrective_action",
                "Tindakan korektif wajib diisi",
            ),
            (
                "no-date",
                lambda: proposed(action_proposed_on=None),
                "action_proposed_on",
                "Tanggal usulan tindakan wajib dicatat.",
            ),
            (
                "closed-without-action",
                lambda: closed(corrective_action=""),
                "corrective_action",
                "Tindakan korektif wajib diisi",
            ),
            (
                "closed-without-date",
                lambda: closed(action_proposed_on=None),
                "action_proposed_on",
                "Tanggal usulan tindakan wajib dicatat.",
            ),
        )
    ],
    *[
        pytest.param(build, field, message, "finding_closed_is_verified", None, id=f"finding_closed_is_verified-{name}")
        for name, build, field, message in (
            ("white-space", lambda: closed(verification="\n \t"), "verification", "hasil verifikasi"),
            ("no-verifier", lambda: closed(verified_by=None), "verified_by", "Catat siapa yang memverifikasi."),
        )
    ],
    # Returned to the agency means open again: an answered or closed finding is not "returned".
    *[
        pytest.param(build, "status", str(RETURNED_IS_OPEN), "finding_returned_is_open", None, id=f"returned-{name}")
        for name, build in (
            ("proposed", lambda: finding(status=Finding.Status.ACTION_PROPOSED, returned=True, **ANSWERED)),
            ("closed", lambda: closed(returned=True)),
        )
    ],
]


# The four date-with-precision pairs. Each builder leaves the model's other date unknown, so
# only the pair under test can be wrong.
APPROXIMATE_PAIRS = [
    (
        "certificate",
        "issued_on",
        "issued_precision",
        lambda **kw: certificate(expires_on=None, expires_precision=DatePrecision.UNKNOWN, **kw),
    ),
    (
        "certificate",
        "expires_on",
        "expires_precision",
        lambda **kw: certificate(issued_on=None, issued_precision=DatePrecision.UNKNOWN, **kw),
    ),
    ("ceremony", "held_on", "held_precision", lambda **kw: CeremonyFactory.build(**kw)),
    ("programme", "reported_on", "reported_precision", lambda **kw: ProgrammeFactory.build(**kw)),
]

# (value, precision, which field gets the message: "date" or "precision", message, constraint suffix)
BAD_APPROXIMATE_DATES = [
    (D(2013, 12, 31), "decade", "precision", INVALID_CHOICE, "precision_valid"),
    (D(2013, 12, 31), DatePrecision.UNKNOWN, "date", "padahal ketelitiannya 'tidak diketahui'", "known_unless_unknown"),
    (None, DatePrecision.DAY, "date", "Tanggal wajib diisi", "known_unless_unknown"),
    (None, DatePrecision.ABOUT_YEAR, "date", "Tanggal wajib diisi", "known_unless_unknown"),
    *[(D(2013, 6, 30), p, "date", "(2013-12-31)", "year_is_year_end") for p in YEAR_PRECISIONS],
    (D(2013, 12, 30), DatePrecision.BY_YEAR, "date", "(2013-12-31)", "year_is_year_end"),
    (D(2013, 5, 15), DatePrecision.MONTH, "date", "(2013-05-31)", "month_is_month_end"),
    (D(2013, 5, 1), DatePrecision.MONTH, "date", "(2013-05-31)", "month_is_month_end"),
]


def with_date(build, date_field, value, precision_field, precision):
    return lambda: build(**{date_field: value, precision_field: precision})


for prefix, date_field, precision_field, build in APPROXIMATE_PAIRS:
    for value, precision, target, message, suffix in BAD_APPROXIMATE_DATES:
        CASES.append(
            pytest.param(
                with_date(build, date_field, value, precision_field, precision),
                date_field if target == "date" else precision_field,
                message,
                f"{prefix}_{date_field}_{suffix}",
                None,
                id=f"{prefix}_{date_field}_{suffix}-{precision}-{value}",
            )
        )


@pytest.mark.parametrize(("build", "field", "message", "constraint", "sqlite_unique"), CASES)
def test_full_clean_gives_the_friendly_message_on_the_field(build, field, message, constraint, sqlite_unique):
    instance = build()
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert message in messages_on(excinfo.value, field), excinfo.value.message_dict


@pytest.mark.parametrize(("build", "field", "message", "constraint", "sqlite_unique"), CASES)
def test_database_refuses_the_row(build, field, message, constraint, sqlite_unique):
    instance = build()
    model = type(instance)
    rows = model.objects.count()
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        instance.save()
    assert_violates(excinfo.value, constraint, sqlite_unique)
    assert model.objects.count() == rows  # nothing written, and the connection is still usable


def test_every_named_constraint_is_covered():
    covered = {param.values[3] for param in CASES}
    named = {
        constraint.name
        for model in apps.get_app_config("certifications").get_models()
        for constraint in model._meta.constraints
    }
    assert named - covered == set()


# The same rows, made right, pass ---------------------------------------------------------


def surveillance_audit():
    cert = CertificateFactory()
    return audit(
        agency=cert.agency,
        kind=Audit.Kind.SURVEILLANCE,
        certificate=cert,
        body=CertificationBodyFactory(),
        starts_on=D(2013, 5, 6),
        ends_on=D(2013, 5, 7),
    )


VALID_BUILDERS = [
    pytest.param(lambda: StandardFactory.build(code="ISO 9001:2015", certificates_valid_until=None), id="standard"),
    pytest.param(lambda: CertificationBodyFactory.build(), id="certification-body"),
    pytest.param(lambda: certificate(), id="certificate"),
    pytest.param(lambda: certificate(body=CertificationBodyFactory(), number="QMS/1"), id="certificate-numbered"),
    pytest.param(lambda: certificate(status=Certificate.Status.SUSPENDED, **SUSPENSION), id="certificate-suspended"),
    pytest.param(lambda: certificate(status=Certificate.Status.WITHDRAWN, **SUSPENSION), id="certificate-withdrawn"),
    pytest.param(lambda: audit(), id="audit"),
    pytest.param(surveillance_audit, id="audit-surveillance"),
    pytest.param(lambda: audit(ends_on=None), id="audit-one-day"),
    pytest.param(lambda: audit(ends_on=D(2012, 3, 1)), id="audit-ends-on-start"),
    pytest.param(lambda: finding(), id="finding"),
    pytest.param(lambda: finding(grade=Finding.Grade.MAJOR, due_on=D(2012, 5, 1)), id="finding-major"),
    pytest.param(lambda: proposed(), id="finding-action-proposed"),
    pytest.param(lambda: closed(), id="finding-closed"),
    pytest.param(lambda: closed(closed_on=D(2012, 3, 20)), id="finding-closed-the-day-of-the-proposal"),
    pytest.param(lambda: finding(grade=Finding.Grade.OBSERVATION, status=Finding.Status.NOTED), id="observation"),
    pytest.param(lambda: finding(grade=Finding.Grade.OPPORTUNITY, status=Finding.Status.NOTED), id="opportunity"),
    pytest.param(lambda: finding(clause="10.2"), id="finding-2015-clause-standard-unknown"),
    pytest.param(lambda: CeremonyFactory.build(), id="ceremony"),
    pytest.param(lambda: ProgrammeFactory.build(), id="programme"),
    pytest.param(lambda: ProgrammeFactory.build(target_agencies=1), id="programme-target-1"),
    pytest.param(
        lambda: ProgrammeFactory.build(
            reported_certified=83,
            reported_total=83,
            reported_on=D(2013, 12, 31),
            reported_precision=DatePrecision.YEAR,
        ),
        id="programme-reported-all",
    ),
]


@pytest.mark.parametrize("build", VALID_BUILDERS)
def test_a_valid_row_passes_full_clean_and_saves(build):
    instance = build()
    instance.full_clean()
    instance.save()
    assert type(instance).objects.filter(pk=instance.pk).exists()


GOOD_APPROXIMATE_DATES = [
    (None, DatePrecision.UNKNOWN),
    (D(2013, 5, 14), DatePrecision.DAY),
    (D(2013, 5, 31), DatePrecision.MONTH),
    (D(2013, 4, 30), DatePrecision.MONTH),
    (D(2013, 2, 28), DatePrecision.MONTH),
    (D(2016, 2, 29), DatePrecision.MONTH),
    *[(D(2013, 12, 31), p) for p in YEAR_PRECISIONS],
]


@pytest.mark.parametrize(("value", "precision"), GOOD_APPROXIMATE_DATES)
@pytest.mark.parametrize(
    ("date_field", "precision_field", "build"),
    [pytest.param(*pair[1:], id=f"{pair[0]}-{pair[1]}") for pair in APPROXIMATE_PAIRS],
)
def test_a_good_approximate_date_passes_full_clean_and_saves(date_field, precision_field, build, value, precision):
    instance = build(**{date_field: value, precision_field: precision})
    instance.full_clean()
    instance.save()
    instance.refresh_from_db()
    assert getattr(instance, date_field) == value


@pytest.mark.parametrize("day", [D(2013, 4, 28), D(2013, 4, 29), D(2012, 2, 28), D(2013, 1, 30)])
def test_database_refuses_a_month_precision_date_that_is_not_the_month_end(day):
    cert = certificate(expires_on=None, expires_precision=DatePrecision.UNKNOWN)
    cert.issued_on, cert.issued_precision = day, DatePrecision.MONTH
    with pytest.raises(ValidationError):
        cert.full_clean()
    try:
        with transaction.atomic():
            cert.save()
    except IntegrityError as error:
        assert_violates(error, "certificate_issued_on_month_is_month_end")
    else:
        raise AssertionError(f"the database accepted {day} as the end of a month")


# Certificate numbers ----------------------------------------------------------------------


def test_two_certificates_without_a_number_from_the_same_body_are_allowed():
    body = CertificationBodyFactory()
    CertificateFactory(body=body, number="")
    second = certificate(body=body, number="")
    second.full_clean()
    second.save()
    assert body.certificates.count() == 2


def test_the_same_number_from_different_bodies_is_allowed():
    CertificateFactory(body=CertificationBodyFactory(), number="QMS/2012/001")
    second = certificate(body=CertificationBodyFactory(), number="QMS/2012/001")
    second.full_clean()
    second.save()
    assert Certificate.objects.filter(number="QMS/2012/001").count() == 2


def test_the_same_number_without_a_body_is_allowed():
    CertificateFactory(body=None, number="QMS/2012/001")
    second = certificate(body=None, number="QMS/2012/001")
    second.full_clean()
    second.save()
    assert Certificate.objects.filter(number="QMS/2012/001").count() == 2


def test_a_numbered_certificate_does_not_collide_with_itself():
    cert = CertificateFactory(body=CertificationBodyFactory(), number="QMS/2012/001")
    cert.scope = "Pelayanan perizinan"
    cert.full_clean()  # must not raise
    cert.save()
    cert.refresh_from_db()
    assert cert.scope == "Pelayanan perizinan"


def test_certificate_clean_reports_every_problem_with_the_expiry_date():
    cert = certificate(
        issued_on=D(2015, 6, 1),
        issued_precision=DatePrecision.DAY,
        expires_on=D(2013, 6, 30),
        expires_precision=DatePrecision.ABOUT_YEAR,
    )
    with pytest.raises(ValidationError) as excinfo:
        cert.full_clean()
    text = messages_on(excinfo.value, "expires_on")
    assert "(2013-12-31)" in text
    assert "Tanggal kedaluwarsa harus sesudah tanggal terbit." in text


def test_certificate_clean_refuses_a_blank_looking_status_reason():
    cert = certificate(status=Certificate.Status.SUSPENDED, status_changed_on=D(2013, 6, 1), status_reason="  ")
    with pytest.raises(ValidationError) as excinfo:
        cert.full_clean()
    assert excinfo.value.message_dict["status_reason"] == ["Tulis alasan pembekuan atau pencabutan."]


# Audit and its certificate -----------------------------------------------------------------


def test_audit_refuses_a_certificate_of_another_agency():
    cert = CertificateFactory()
    other = AgencyFactory()
    bad = audit(agency=other, kind=Audit.Kind.SURVEILLANCE, certificate=cert)
    with pytest.raises(ValidationError) as excinfo:
        bad.full_clean()
    assert excinfo.value.message_dict == {"certificate": ["Sertifikat ini milik SKPD lain."]}


def test_audit_accepts_a_certificate_of_its_own_agency_for_any_kind():
    cert = CertificateFactory()
    for kind in Audit.Kind.values:
        audit(agency=cert.agency, kind=kind, certificate=cert, starts_on=D(2013, 5, 6), ends_on=None).full_clean()
    assert cert.audits.count() == 0


def test_completed_audits():
    done = AuditFactory(status=Audit.Status.COMPLETED)
    AuditFactory(status=Audit.Status.PLANNED)
    AuditFactory(status=Audit.Status.CANCELLED)
    assert list(Audit.objects.completed()) == [done]


# Certificate.objects.valid ------------------------------------------------------------------


def exact():
    return CertificateFactory()  # 14 May 2012 to 13 May 2015, ISO 9001:2008


def outlived_by_its_standard():
    # Printed expiry after the ISO 9001:2008 transition ended on 15 September 2018.
    return CertificateFactory(issued_on=D(2016, 6, 1), expires_on=D(2019, 5, 31))


def standard_without_end():
    return CertificateFactory(standard=iso_2015(), issued_on=D(2018, 1, 1), expires_on=D(2020, 12, 31))


def suspended():
    return CertificateFactory(status=Certificate.Status.SUSPENDED, **SUSPENSION)


def withdrawn():
    return CertificateFactory(status=Certificate.Status.WITHDRAWN, **SUSPENSION)


def issue_date_unknown():
    return CertificateFactory(issued_on=None, issued_precision=DatePrecision.UNKNOWN)


def expiry_date_unknown():
    return CertificateFactory(expires_on=None, expires_precision=DatePrecision.UNKNOWN)


def about_2012():
    # Issued "about 2012", so stored as 31 December 2012; three years on is 31 December 2015.
    return CertificateFactory(
        issued_on=D(2012, 12, 31),
        issued_precision=DatePrecision.ABOUT_YEAR,
        expires_on=D(2015, 12, 31),
        expires_precision=DatePrecision.ABOUT_YEAR,
    )


@pytest.mark.parametrize(
    ("scenario", "on", "expected"),
    [
        pytest.param(exact, D(2012, 5, 13), False, id="exact-day-before-issue"),
        pytest.param(exact, D(2012, 5, 14), True, id="exact-issue-day"),
        pytest.param(exact, D(2015, 5, 13), True, id="exact-expiry-day"),
        pytest.param(exact, D(2015, 5, 14), False, id="exact-day-after-expiry"),
        pytest.param(outlived_by_its_standard, D(2016, 6, 1), True, id="standard-lapse-issue-day"),
        pytest.param(outlived_by_its_standard, D(2018, 9, 15), True, id="standard-lapse-last-day"),
        pytest.param(outlived_by_its_standard, D(2018, 9, 16), False, id="standard-lapse-day-after"),
        pytest.param(outlived_by_its_standard, D(2019, 5, 31), False, id="standard-lapse-printed-expiry"),
        pytest.param(standard_without_end, D(2018, 9, 16), True, id="no-standard-end-after-2018-09-15"),
        pytest.param(standard_without_end, D(2020, 12, 31), True, id="no-standard-end-expiry-day"),
        pytest.param(standard_without_end, D(2021, 1, 1), False, id="no-standard-end-after-expiry"),
        pytest.param(suspended, D(2013, 5, 31), True, id="suspended-day-before"),
        pytest.param(suspended, D(2013, 6, 1), False, id="suspended-on-the-day"),
        pytest.param(suspended, D(2014, 6, 1), False, id="suspended-after"),
        pytest.param(withdrawn, D(2013, 5, 31), True, id="withdrawn-day-before"),
        pytest.param(withdrawn, D(2013, 6, 1), False, id="withdrawn-on-the-day"),
        pytest.param(withdrawn, D(2015, 1, 1), False, id="withdrawn-after"),
        pytest.param(issue_date_unknown, D(2012, 5, 14), False, id="issue-unknown-a"),
        pytest.param(issue_date_unknown, D(2015, 5, 13), False, id="issue-unknown-b"),
        pytest.param(expiry_date_unknown, D(2012, 5, 14), False, id="expiry-unknown-a"),
        pytest.param(expiry_date_unknown, D(2013, 6, 1), False, id="expiry-unknown-b"),
        pytest.param(about_2012, D(2012, 12, 30), False, id="about-2012-day-before-period-end"),
        pytest.param(about_2012, D(2012, 12, 31), True, id="about-2012-period-end"),
        pytest.param(about_2012, D(2015, 12, 31), True, id="about-2012-expiry-period-end"),
        pytest.param(about_2012, D(2016, 1, 1), False, id="about-2012-after-expiry-period"),
    ],
)
def test_valid_on(scenario, on, expected):
    cert = scenario()
    assert list(Certificate.objects.valid(on=on)) == ([cert] if expected else [])


def test_a_reinstated_certificate_is_valid_again():
    cert = CertificateFactory(status=Certificate.Status.ACTIVE, **SUSPENSION)  # suspension lifted, date kept
    assert list(Certificate.objects.valid(on=D(2014, 1, 1))) == [cert]


# Certificate.objects.expiring ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "on", "within_days", "expected"),
    [
        pytest.param(exact, D(2015, 4, 13), 30, True, id="expires-on-the-last-day-of-the-window"),
        pytest.param(exact, D(2015, 4, 13), 29, False, id="expires-the-day-after-the-window"),
        pytest.param(exact, D(2015, 5, 13), 0, True, id="expires-today"),
        pytest.param(exact, D(2015, 5, 14), 30, False, id="already-expired"),
        pytest.param(exact, D(2013, 1, 1), 30, False, id="far-from-expiry"),
        pytest.param(exact, D(2012, 5, 13), 5000, False, id="not-yet-issued"),
        pytest.param(outlived_by_its_standard, D(2018, 8, 16), 30, True, id="standard-ends-in-the-window"),
        pytest.param(outlived_by_its_standard, D(2018, 8, 16), 29, False, id="standard-ends-after-the-window"),
        pytest.param(standard_without_end, D(2020, 12, 1), 30, True, id="no-standard-end-in-the-window"),
        pytest.param(standard_without_end, D(2020, 12, 1), 29, False, id="no-standard-end-after-the-window"),
        pytest.param(suspended, D(2015, 4, 13), 30, False, id="suspended"),
        pytest.param(expiry_date_unknown, D(2015, 4, 13), 30, False, id="expiry-unknown"),
    ],
)
def test_expiring(scenario, on, within_days, expected):
    cert = scenario()
    assert list(Certificate.objects.expiring(on=on, within_days=within_days)) == ([cert] if expected else [])


# Findings -----------------------------------------------------------------------------------


def finding_in(audit_, clause, **overrides):
    """A saved finding at any step: ``status`` proposed or closed fills what that step records."""
    status = overrides.get("status")
    if status in (Finding.Status.ACTION_PROPOSED, Finding.Status.CLOSED):
        overrides = {**ANSWERED, **overrides}
    if status == Finding.Status.CLOSED:
        overrides = {"closed_on": D(2012, 4, 1), "verified_by": UserFactory(), **VERIFIED, **overrides}
    return FindingFactory(audit=audit_, clause=clause, **overrides)


def test_open_findings_are_the_nonconformities_not_closed():
    audit_ = AuditFactory()
    opened = finding_in(audit_, "4.1")
    answered = finding_in(audit_, "5.1", status=Finding.Status.ACTION_PROPOSED)
    finding_in(audit_, "6.1", status=Finding.Status.CLOSED)
    finding_in(audit_, "7.1", grade=Finding.Grade.OBSERVATION)  # noted, never open
    finding_in(audit_, "8.1", grade=Finding.Grade.OPPORTUNITY)
    assert list(Finding.objects.open()) == [opened, answered]


def test_major_findings():
    audit_ = AuditFactory()
    major = finding_in(audit_, "4.1", grade=Finding.Grade.MAJOR)
    finding_in(audit_, "5.1", grade=Finding.Grade.MINOR)
    finding_in(audit_, "6.1", grade=Finding.Grade.OBSERVATION)
    assert list(Finding.objects.major()) == [major]


def overdue_scenario():
    """Findings of one audit against one day, 1 June 2012, by the name of what they show."""
    audit_ = AuditFactory()
    return {
        "late": finding_in(audit_, "4.1", due_on=D(2012, 5, 31)),
        "late-answered": finding_in(audit_, "4.2.1", status=Finding.Status.ACTION_PROPOSED, due_on=D(2012, 4, 1)),
        "late-major": finding_in(audit_, "4.2.2", grade=Finding.Grade.MAJOR, due_on=D(2012, 5, 1)),
        "due-today": finding_in(audit_, "5.1", due_on=D(2012, 6, 1)),
        "due-in-14-days": finding_in(audit_, "5.2", due_on=D(2012, 6, 15)),
        "due-in-15-days": finding_in(audit_, "5.3", due_on=D(2012, 6, 16)),
        "no-deadline": finding_in(audit_, "6.1", due_on=None),
        "closed-late": finding_in(audit_, "7.1", status=Finding.Status.CLOSED, due_on=D(2012, 3, 21)),
        "closed-in-window": finding_in(audit_, "7.2.1", status=Finding.Status.CLOSED, due_on=D(2012, 6, 10)),
    }


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        pytest.param(D(2012, 6, 1), ["late", "late-answered", "late-major"], id="2012-06-01"),
        pytest.param(D(2012, 5, 31), ["late-answered", "late-major"], id="due-day-is-not-late"),
        pytest.param(D(2012, 4, 1), [], id="before-any-due-date"),
        pytest.param(D(2012, 4, 2), ["late-answered"], id="the-day-after-a-due-date"),
        pytest.param(
            D(2012, 6, 17),
            ["late", "late-answered", "late-major", "due-today", "due-in-14-days", "due-in-15-days"],
            id="every-deadline-passed",
        ),
    ],
)
def test_overdue_findings(on, expected):
    named = overdue_scenario()
    assert set(Finding.objects.overdue(on=on)) == {named[name] for name in expected}
    for name, item in named.items():
        assert item.is_overdue(on=on) == (name in expected), name


@pytest.mark.parametrize(
    ("on", "days", "expected"),
    [
        pytest.param(D(2012, 6, 1), 14, ["due-today", "due-in-14-days"], id="14-days"),
        pytest.param(D(2012, 6, 1), 15, ["due-today", "due-in-14-days", "due-in-15-days"], id="15-days"),
        pytest.param(D(2012, 6, 1), 0, ["due-today"], id="today-only"),
        pytest.param(D(2012, 6, 2), 14, ["due-in-14-days", "due-in-15-days"], id="overdue-ones-excluded"),
        pytest.param(D(2012, 3, 1), 30, [], id="nothing-due-in-march"),
    ],
)
def test_findings_due_within(on, days, expected):
    named = overdue_scenario()
    assert set(Finding.objects.due_within(on=on, days=days)) == {named[name] for name in expected}


def test_a_closed_finding_is_never_overdue_even_when_closed_after_its_due_date():
    item = finding_in(
        AuditFactory(), "4.1", status=Finding.Status.CLOSED, due_on=D(2012, 3, 21), closed_on=D(2012, 5, 1)
    )
    assert not item.is_overdue(on=D(2012, 4, 1))  # closed later, but the row knows only that it is closed now
    assert not item.is_overdue(on=D(2030, 1, 1))
    assert not Finding.objects.overdue(on=D(2030, 1, 1)).exists()


# Clauses by standard ------------------------------------------------------------------------


def iso_2015_with_clauses():
    return StandardFactory(
        code="ISO 9001:2015",
        published_on=D(2015, 9, 15),
        certificates_valid_until=None,
        clause_set=ClauseSet.ISO_9001_2015,
        source="Data uji",
    )


def audit_of(standard):
    cert = CertificateFactory(standard=standard, issued_on=D(2016, 6, 1), expires_on=D(2019, 5, 31))
    return AuditFactory(
        agency=cert.agency,
        certificate=cert,
        kind=Audit.Kind.SURVEILLANCE,
        standard=standard,
        starts_on=D(2017, 5, 2),
        ends_on=D(2017, 5, 3),
    )


@pytest.mark.parametrize(
    ("standard", "clause", "refused_with"),
    [
        pytest.param("2008", "10.2", "Klausul 10.2 tidak ada dalam ISO 9001:2008, klausul 4 sampai 8.", id="2008-10.2"),
        pytest.param("2008", "9.1", "Klausul 9.1 tidak ada dalam ISO 9001:2008, klausul 4 sampai 8.", id="2008-9.1"),
        pytest.param("2008", "4.4", "Klausul 4.4 tidak ada dalam ISO 9001:2008, klausul 4 sampai 8.", id="2008-4.4"),
        pytest.param("2008", "4.2.3", None, id="2008-4.2.3"),
        pytest.param("2008", "8.5.2", None, id="2008-8.5.2"),
        pytest.param(
            "2015", "4.2.3", "Klausul 4.2.3 tidak ada dalam ISO 9001:2015, klausul 4 sampai 10.", id="2015-4.2.3"
        ),
        pytest.param(
            "2015", "8.5.2", "Klausul 8.5.2 tidak ada dalam ISO 9001:2015, klausul 4 sampai 10.", id="2015-8.5.2"
        ),
        pytest.param("2015", "10.2", None, id="2015-10.2"),
        pytest.param("2015", "4.2", None, id="2015-4.2"),
        # The same number in both: accepted in each, and read with the audit's standard.
        pytest.param("2008", "7.1", None, id="2008-7.1"),
        pytest.param("2015", "7.1", None, id="2015-7.1"),
    ],
)
def test_a_finding_clause_is_checked_against_its_audits_standard(standard, clause, refused_with):
    audit_ = audit_of(StandardFactory() if standard == "2008" else iso_2015_with_clauses())
    item = FindingFactory.build(audit=audit_, clause=clause)
    if refused_with:
        with pytest.raises(ValidationError) as excinfo:
            item.full_clean()
        assert excinfo.value.message_dict == {"clause": [refused_with]}
    else:
        item.full_clean()
        item.save()
        assert Finding.objects.get(pk=item.pk).clause == clause


def test_audit_clean_takes_the_standard_from_its_certificate():
    standard = iso_2015_with_clauses()
    cert = CertificateFactory(standard=standard, issued_on=D(2018, 1, 1), expires_on=D(2020, 12, 31))
    item = audit(
        agency=cert.agency, kind=Audit.Kind.SURVEILLANCE, certificate=cert, starts_on=D(2018, 11, 5), ends_on=None
    )
    assert item.standard_id is None
    item.full_clean()
    assert item.standard == standard
    assert item.clause_set == ClauseSet.ISO_9001_2015
    item.save()
    assert Audit.objects.get(pk=item.pk).standard == standard


def test_audit_clean_refuses_a_standard_other_than_its_certificates():
    cert = CertificateFactory()  # ISO 9001:2008
    item = audit(agency=cert.agency, kind=Audit.Kind.SURVEILLANCE, certificate=cert, standard=iso_2015_with_clauses())
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert excinfo.value.message_dict == {"standard": ["Standar audit harus sama dengan standar sertifikatnya."]}


def test_an_audit_without_certificate_or_standard_has_no_clause_set():
    item = AuditFactory()
    assert item.standard is None
    assert item.clause_set == ""
    item = AuditFactory(standard=iso_2015_with_clauses())
    assert item.clause_set == ClauseSet.ISO_9001_2015


@pytest.mark.parametrize(
    ("standard", "clause", "display"),
    [
        pytest.param("2008", "7.1", "7.1 Perencanaan realisasi produk", id="2008-7.1"),
        pytest.param("2015", "7.1", "7.1 Sumber daya", id="2015-7.1"),
        pytest.param("2008", "4.2.3", "4.2.3 Pengendalian dokumen", id="2008-4.2.3"),
        pytest.param("2015", "10.2", "10.2 Ketidaksesuaian dan tindakan korektif", id="2015-10.2"),
        pytest.param(None, "7.1", "7.1", id="standard-unknown"),
    ],
)
def test_clause_display_reads_the_number_with_the_audits_standard(standard, clause, display):
    if standard is None:
        audit_ = AuditFactory()
    else:
        audit_ = audit_of(StandardFactory() if standard == "2008" else iso_2015_with_clauses())
    assert FindingFactory(audit=audit_, clause=clause).clause_display == display


def test_a_standard_without_clause_set_leaves_the_clause_unchecked_within_the_known_lists():
    other = StandardFactory(code="Standar uji tanpa daftar klausul", clause_set="", certificates_valid_until=None)
    audit_ = audit_of(other)
    for clause in ("4.2.3", "10.2"):
        item = FindingFactory.build(audit=audit_, clause=clause)
        item.full_clean()  # must not raise: either list may apply
    with pytest.raises(ValidationError) as excinfo:
        FindingFactory.build(audit=audit_, clause="11.1").full_clean()
    assert excinfo.value.message_dict == {"clause": ["Klausul 11.1 tidak ada dalam daftar klausul."]}


# Programme.objects.current ------------------------------------------------------------------


def test_current_programme_is_the_one_with_the_latest_deadline():
    ProgrammeFactory(slug="target-2013", deadline=D(2013, 12, 31))
    later = ProgrammeFactory(slug="target-2018", deadline=D(2018, 12, 31))
    ProgrammeFactory(slug="target-2010", deadline=D(2010, 12, 31))
    assert Programme.objects.current() == later


def test_current_programme_on_a_tied_deadline_is_the_first_created():
    first = ProgrammeFactory(deadline=D(2013, 12, 31))
    ProgrammeFactory(deadline=D(2013, 12, 31))
    assert Programme.objects.current() == first


def test_no_current_programme():
    assert Programme.objects.current() is None


# Text, options, displays --------------------------------------------------------------------


def test_str_of_every_model():
    agency = AgencyFactory(name="Dinas Kependudukan dan Pencatatan Sipil")
    body = CertificationBodyFactory(name="PT Sucofindo")
    numbered = CertificateFactory(agency=agency, body=body, number="QMS/2012/001")
    unnumbered = CertificateFactory(agency=agency)
    audit_ = AuditFactory(
        agency=agency, kind=Audit.Kind.SURVEILLANCE, certificate=numbered, starts_on=D(2013, 5, 6), ends_on=None
    )
    finding_ = FindingFactory(audit=audit_, clause="4.2.3", grade=Finding.Grade.MAJOR)
    ceremony = CeremonyFactory(title="Penyerahan sertifikat ISO", held_on=D(2012, 12, 31))
    programme = ProgrammeFactory(name="Sertifikasi ISO seluruh SKPD")

    assert str(StandardFactory()) == "ISO 9001:2008"
    assert str(body) == "PT Sucofindo"
    assert str(numbered) == "Dinas Kependudukan dan Pencatatan Sipil — ISO 9001:2008 (QMS/2012/001)"
    assert str(unnumbered) == "Dinas Kependudukan dan Pencatatan Sipil — ISO 9001:2008 (nomor tidak diketahui)"
    assert str(audit_) == "audit surveilans — Dinas Kependudukan dan Pencatatan Sipil (2013-05-06)"
    assert str(finding_) == "ketidaksesuaian mayor 4.2.3 — Dinas Kependudukan dan Pencatatan Sipil"
    assert str(ceremony) == "Penyerahan sertifikat ISO (sekitar 2012)"
    assert str(programme) == "Sertifikasi ISO seluruh SKPD"


@pytest.mark.parametrize(
    "model", [pytest.param(m, id=m.__name__) for m in apps.get_app_config("certifications").get_models()]
)
def test_every_model_has_an_ordering_and_a_verbose_name(model):
    assert model._meta.ordering
    assert {"verbose_name", "verbose_name_plural"} <= set(model._meta.original_attrs)


def test_the_standard_default_ordering_is_by_code():
    iso_2015()
    StandardFactory()
    assert [s.code for s in Standard.objects.all()] == ["ISO 9001:2008", "ISO 9001:2015"]


def test_displays_show_only_what_is_known():
    cert = about_2012()
    assert cert.issued_display == "sekitar 2012"
    assert cert.expires_display == "sekitar 2015"
    assert exact().issued_display == "14 Mei 2012"
    assert CeremonyFactory.build(held_on=None, held_precision=DatePrecision.UNKNOWN).held_display == "tidak diketahui"
    programme = ProgrammeFactory.build(reported_on=D(2013, 5, 31), reported_precision=DatePrecision.MONTH)
    assert programme.reported_display == "Mei 2013"


# --- The day a finding is raised ---------------------------------------------------------------


def test_a_finding_entered_without_a_raise_day_takes_the_audits_last_day():
    audit_ = AuditFactory(starts_on=D(2026, 11, 2), ends_on=D(2026, 11, 4))
    assert FindingFactory(audit=audit_).raised_on == D(2026, 11, 4)
    one_day = AuditFactory(starts_on=D(2026, 11, 9), ends_on=None)
    assert FindingFactory(audit=one_day).raised_on == D(2026, 11, 9)


def test_a_finding_cannot_be_raised_before_its_audit_started():
    audit_ = AuditFactory(starts_on=D(2026, 11, 2), ends_on=D(2026, 11, 4))
    finding = FindingFactory.build(audit=audit_, raised_on=D(2026, 11, 1), due_on=D(2026, 12, 1))
    with pytest.raises(ValidationError) as error:
        finding.full_clean()
    assert error.value.message_dict["raised_on"] == [
        "Temuan tidak dapat disampaikan sebelum audit dimulai (02-11-2026)."
    ]
