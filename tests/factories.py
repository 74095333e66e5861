"""Test data builders: one place for every model, so tests state only what they are about."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from agencies.models import Agency
from bandung_iso.roles import Role
from certifications import services
from certifications.dates import DatePrecision
from certifications.models import (
    Audit,
    Ceremony,
    Certificate,
    CertificationBody,
    Clause2008,
    ClauseSet,
    Finding,
    Programme,
    ProgrammeMember,
    Standard,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("correct horse battery staple")


class RoleUserFactory(UserFactory):
    """A staff account (may log into the admin) in one role group; needs the ``roles`` fixture.

    ``RoleUserFactory(role=Role.AUDITOR)`` (Staf Pemkot by default); a representative
    takes ``agencies=[...]``.
    """

    class Meta:
        skip_postgeneration_save = True  # the hooks only add group and agency links

    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.groups.add(Group.objects.get(name=extracted or Role.STAFF))

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        for agency in extracted or ():
            agency.quality_representatives.add(self)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True  # the hook only adds memberships

    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    slug = factory.Sequence(lambda n: f"dinas-uji-{n}")
    kind = Agency.Kind.DEPARTMENT
    name_confirmed = True
    source = "Data uji"

    @factory.post_generation
    def member(self, create, extracted, **kwargs):
        """As in the shipped data, every agency counts toward every programme unless a test says otherwise
        (``AgencyFactory(member=False)``); ProgrammeFactory adds the agencies made before it."""
        if create and extracted is not False:
            ProgrammeMember.objects.bulk_create(
                ProgrammeMember(programme=programme, agency=self, source="Data uji")
                for programme in Programme.objects.all()
            )


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standard
        django_get_or_create = ("code",)

    code = "ISO 9001:2008"
    title = "Quality management systems — Requirements"
    published_on = datetime.date(2008, 11, 15)
    certificates_valid_until = datetime.date(2018, 9, 15)
    clause_set = ClauseSet.ISO_9001_2008
    source = "Data uji"


class CertificationBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationBody

    name = factory.Sequence(lambda n: f"Lembaga Uji {n}")


class CertificateFactory(factory.django.DjangoModelFactory):
    """An exact-dated, active three-year certificate to ISO 9001:2008."""

    class Meta:
        model = Certificate

    agency = factory.SubFactory(AgencyFactory)
    standard = factory.SubFactory(StandardFactory)
    issued_on = datetime.date(2012, 5, 14)
    issued_precision = DatePrecision.DAY
    expires_on = datetime.date(2015, 5, 13)
    expires_precision = DatePrecision.DAY
    source = "Data uji"


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audit

    agency = factory.SubFactory(AgencyFactory)
    kind = Audit.Kind.STAGE_2
    starts_on = datetime.date(2012, 3, 1)
    ends_on = datetime.date(2012, 3, 2)


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    audit = factory.SubFactory(AuditFactory)
    clause = Clause2008.C4_2_3
    grade = Finding.Grade.MINOR
    description = "Dokumen kedaluwarsa masih beredar."
    # Observations are only noted; nonconformities start open. A major one needs a due date.
    status = factory.LazyAttribute(
        lambda o: Finding.Status.OPEN if o.grade in (Finding.Grade.MAJOR, Finding.Grade.MINOR) else Finding.Status.NOTED
    )
    due_on = factory.LazyAttribute(
        lambda o: o.audit.starts_on + datetime.timedelta(days=60) if o.grade == Finding.Grade.MAJOR else None
    )

    class Params:
        # FindingFactory(closed=True): answered by the agency and verified, as the workflow leaves it.
        closed = factory.Trait(
            status=Finding.Status.CLOSED,
            correction="Dokumen kedaluwarsa ditarik.",
            corrective_action="Prosedur pengendalian dokumen direvisi.",
            action_proposed_on=factory.LazyAttribute(lambda o: o.audit.starts_on + datetime.timedelta(days=7)),
            verification="Daftar induk dokumen diperiksa ulang.",
            verified_by=factory.SubFactory(UserFactory),
            closed_on=factory.LazyAttribute(lambda o: o.audit.starts_on + datetime.timedelta(days=30)),
        )


class CeremonyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ceremony

    slug = factory.Sequence(lambda n: f"upacara-{n}")
    title = factory.Sequence(lambda n: f"Upacara uji {n}")
    held_on = datetime.date(2012, 12, 31)
    held_precision = DatePrecision.ABOUT_YEAR
    source = "Data uji"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True  # the hook only adds memberships

    slug = factory.Sequence(lambda n: f"program-{n}")
    name = "Program uji"
    target_agencies = 83
    deadline = datetime.date(2013, 12, 31)
    source = "Data uji"

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        """Every agency made so far (``members=[...]`` names them instead); see AgencyFactory.member."""
        if create:
            agencies = Agency.objects.all() if extracted is None else extracted
            ProgrammeMember.objects.bulk_create(
                ProgrammeMember(programme=self, agency=agency, source="Data uji") for agency in agencies
            )


class ProgrammeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMember

    programme = factory.SubFactory(ProgrammeFactory, members=[])
    agency = factory.SubFactory(AgencyFactory, member=False)
    source = "Data uji"


class CurrentCertificateFactory(CertificateFactory):
    """An exact-dated, active certificate in force today (``timezone.localdate()``).

    Its standard has no transition deadline, unlike ISO 9001:2008, whose certificates all
    lapsed on 15 September 2018.
    """

    standard = factory.SubFactory(
        StandardFactory,
        code="ISO 9001:2015",
        title="Quality management systems — Requirements",
        published_on=datetime.date(2015, 9, 15),
        certificates_valid_until=None,
        clause_set=ClauseSet.ISO_9001_2015,
    )
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=730))


def closed_finding(*, auditor, **representative) -> Finding:
    """A minor finding of ``auditor``'s audit through the whole workflow, as its services take it:
    answered on 20 March 2012 by the agency's representative (``RoleUserFactory(**representative)``),
    verified and closed by ``auditor`` on 2 April."""
    finding = FindingFactory(audit__lead_auditor=auditor)
    representative = RoleUserFactory(**representative, role=Role.REPRESENTATIVE, agencies=[finding.audit.agency])
    answered, closed = datetime.date(2012, 3, 20), datetime.date(2012, 4, 2)
    services.propose_action(
        finding=finding,
        by=representative,
        correction="Dokumen ditarik",
        root_cause="Tidak ada daftar induk",
        corrective_action="Daftar induk dokumen dibuat",
        on=answered,
        today=answered,
    )
    return services.close_finding(finding=finding, by=auditor, verification="Diperiksa", on=closed, today=closed)
