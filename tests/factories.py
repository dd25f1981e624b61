"""factory_boy factories shared by every app's tests, with en_GB data.

Where a service exists the factory creates through it (`plan_create`, `scheme_create`…), so
test data passes the same validation as real data and gets its side effects (a new plan's
narrative sections, history records). `build()` makes unsaved instances as usual.

    officer = UserFactory(roles=[permissions.OFFICER], areas=[area])
    scheme = SchemeFactory(plan=plan, budgets={2014: Decimal("400000.00")})
"""

import datetime
from decimal import Decimal
from pathlib import Path

import factory
import yaml
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory, Password
from factory.random import randgen

from metrics.models import MetricDefinition
from plans import permissions
from plans import services as plan_services
from plans.models import Area, Organisation, Plan, PlanYear
from schemes import services as scheme_services
from schemes.models import Scheme, SchemeBudget, Theme

LOCALE = "en_GB"
PASSWORD = "correct horse battery staple"
ENGLISH_REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)


def _faker(provider, **kwargs):
    return factory.Faker(provider, locale=LOCALE, **kwargs)


def _thousands_of_pounds(low: int, high: int) -> Decimal:
    """A whole number of £000s, as the source plans write scheme budgets (pounds)."""
    return Decimal(randgen.randint(low, high) * 1000)


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    class Params:
        place = _faker("county")

    # Faker repeats counties; the sequence number keeps the name unique.
    name = factory.LazyAttributeSequence(lambda o, n: f"{o.place} {n}")
    code = factory.Sequence(lambda n: f"E1{n:07d}")
    region = _faker("random_element", elements=ENGLISH_REGIONS)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return plan_services.area_create(**kwargs)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    class Params:
        town = _faker("city")

    kind = Organisation.Kind.CCG
    name = factory.LazyAttributeSequence(
        lambda o, n: f"{o.town} {Organisation.Kind(o.kind).label} {n}"
    )
    short_name = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return plan_services.organisation_get_or_create(**kwargs)


class UserFactory(DjangoModelFactory):
    """A user; `roles` (group names from plans.permissions) and `areas` make a persona."""

    class Meta:
        model = "auth.User"
        skip_postgeneration_save = True

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = _faker("first_name")
    last_name = _faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    password = Password(PASSWORD)

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        unknown = set(extracted or ()) - set(permissions.ROLES)
        if unknown:
            raise ValueError(f"Not a role in plans.permissions: {sorted(unknown)}")
        if create and extracted:
            user.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in extracted))

    @factory.post_generation
    def areas(user, create, extracted, **kwargs):
        if create:
            for area in extracted or ():
                plan_services.membership_add(user=user, area=area)


class PlanFactory(DjangoModelFactory):
    """A two-year draft plan (2014/15 and 2015/16) without pooled budget or schemes."""

    class Meta:
        model = Plan

    area = factory.SubFactory(AreaFactory)
    title = factory.LazyAttribute(lambda o: f"{o.area.name} Better Care Fund plan")
    first_year = 2014
    last_year = factory.LazyAttribute(lambda o: o.first_year + 1)
    version_kind = Plan.VersionKind.DRAFT
    version_date = factory.LazyAttribute(lambda o: datetime.date(o.first_year, 3, 31))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return pack_headings(plan_services.plan_create(**kwargs))


def pack_headings(plan: Plan, pack: str = "bcf-2014-16.yaml") -> Plan:
    """A plan of no framework (no pack loaded, as in most tests) given the narrative
    headings of a framework pack, as a plan of that framework takes them."""
    if plan.framework_id is None and not plan.sections.exists():
        path = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks" / pack
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for heading in data.get("narrative_headings") or []:
            plan_services.plan_section_add(
                plan=plan,
                key=heading["key"],
                title=heading["title"],
                guidance=(heading.get("guidance") or "").strip(),
            )
    return plan


class PlanYearFactory(DjangoModelFactory):
    """The pooled budget of the plan's first year unless `year` says otherwise (pounds)."""

    class Meta:
        model = PlanYear

    plan = factory.SubFactory(PlanFactory)
    year = factory.LazyAttribute(lambda o: o.plan.first_year)
    minimum_required = factory.LazyFunction(lambda: _thousands_of_pounds(10_000, 40_000))
    agreed_total = factory.LazyAttribute(lambda o: o.minimum_required)
    protected_social_care_stated = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return plan_services.plan_year_set(**kwargs)


class MetricDefinitionFactory(DjangoModelFactory):
    class Meta:
        model = MetricDefinition

    code = factory.Sequence(lambda n: f"metric-{n}")
    name = factory.LazyAttribute(lambda o: f"Metric {o.code}")
    short_name = factory.LazyAttribute(lambda o: o.name[:80])
    kind = MetricDefinition.Kind.NATIONAL


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    order = 0

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return scheme_services.theme_create(**kwargs)


class SchemeFactory(DjangoModelFactory):
    """A scheme with a budget in every year of its plan unless `budgets` is given."""

    class Meta:
        model = Scheme

    plan = factory.SubFactory(PlanFactory)
    theme = factory.SubFactory(ThemeFactory, plan=factory.SelfAttribute("..plan"))
    name = factory.Sequence(lambda n: f"Scheme {n}")
    status = Scheme.Status.EXISTING
    protection = Scheme.Protection.NONE
    metrics = ()
    budgets = factory.LazyAttribute(
        lambda o: {year.start_year: _thousands_of_pounds(50, 2_000) for year in o.plan.years}
    )

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        kwargs.pop("metrics")
        kwargs.pop("budgets")
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return scheme_services.scheme_create(**kwargs)


class SchemeBudgetFactory(DjangoModelFactory):
    """One year's budget of a scheme; its default scheme is made without budgets."""

    class Meta:
        model = SchemeBudget

    scheme = factory.SubFactory(SchemeFactory, budgets={})
    year = factory.LazyAttribute(lambda o: o.scheme.plan.first_year)
    amount = factory.LazyFunction(lambda: _thousands_of_pounds(50, 2_000))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # No service sets one budget alone (scheme_create/scheme_update set them all), so
        # validate and save as they do.
        budget = model_class(**kwargs)
        plan_services.save_with_history(budget)
        return budget
