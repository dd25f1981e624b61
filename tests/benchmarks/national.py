"""A synthetic national dataset for the benchmarks: every HWB area in England at once.

Deterministic for a seed (`random.Random(seed)`, fixed years, no `today`). Written with
`bulk_create` straight on the models, one transaction per area: synthetic data for
benchmarks, not user edits, so it bypasses the services and their history records on
purpose. It lives under tests/ so that no app code path ever writes in bulk (see the
bulk-write lint in tests/test_audit.py); `manage.py generate_national` only calls it.
"""

from __future__ import annotations

import calendar
import datetime
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from governance.models import Action, AgendaItem, Board, Meeting
from metrics.models import Actual, Baseline, MetricDefinition, TrajectoryPoint
from plans.models import (
    Area,
    ConditionStatus,
    NarrativeSection,
    NationalCondition,
    Organisation,
    Plan,
    PlanYear,
    SignOff,
)
from plans.periods import FinancialYear
from risks.calculations import score_written
from risks.models import Risk as RiskModel
from risks.models import RiskCategory, RiskRegister, RiskReview, Scale
from schemes.models import Scheme, SchemeBudget, SchemeQuarterSpend, Theme

REGIONS = (
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
PLACES = (
    "Ashby", "Barrow", "Castleford", "Dunmore", "Eastholme", "Fairfield", "Glenbrook",
    "Hartley", "Ingleby", "Kingsmead", "Langley", "Marston", "Northwick", "Oakham",
    "Pemberton", "Queensbury", "Redmire", "Stanton", "Thornbury", "Upton", "Westerby",
    "Yarwood",
)  # fmt: skip
SUFFIXES = ("shire", " and District", " City", " Borough", "", " Vale", " Forest")
THEMES = (
    "Prevention and early help",
    "Integrated community services",
    "Hospital discharge and reablement",
    "Carers and independence",
)
SCHEME_WORDS = (
    "Falls response", "Rapid response", "Home first", "Discharge to assess", "Reablement",
    "Care navigation", "Telecare", "Carers' breaks", "Dementia support", "Social prescribing",
    "Night sitting", "Step-up beds", "Community equipment", "Disabled facilities grant",
    "Integrated locality teams", "Crisis response", "Hospital in-reach", "Assistive technology",
)  # fmt: skip
METRICS = (
    # code, short name, unit, direction, population basis, baseline, yearly change
    ("nat-nel", "Non-elective admissions", "per_100k_year", "lower", "all", 9000, -0.025),
    ("nat-res", "Residential admissions 65+", "per_100k_year", "lower", "65+", 650, -0.03),
    ("nat-reab", "Still at home 91 days after", "percentage", "higher", "65+", 82, 0.01),
    ("nat-dtoc", "Delayed transfers of care", "per_100k_month", "lower", "18+", 450, -0.04),
    ("nat-exp", "Patient experience", "percentage", "higher", "all", 65, 0.01),
    ("nat-dem", "Dementia diagnosis rate", "percentage", "higher", "65+", 62, 0.02),
)
CONDITIONS = (
    ("nat-plans-jointly-agreed", "Plans to be jointly agreed"),
    ("nat-protect-social-care", "Protection for social care services"),
    ("nat-seven-day", "7-day services to support discharge"),
    ("nat-data-sharing", "Data sharing and the NHS number"),
    ("nat-joint-assessments", "Joint assessments and accountable professional"),
    ("nat-acute-impact", "Agreement on the consequential impact on the acute sector"),
)
RISK_CATEGORIES = ("Finance", "Performance", "Workforce", "Governance", "Providers")
HWB, IE = "Health and Wellbeing Board", "Integration Executive"
Q2 = Decimal("0.01")
Q4 = Decimal("0.0001")


@dataclass
class Totals:
    areas: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, model, objs) -> list:
        self.rows[model.__name__] = self.rows.get(model.__name__, 0) + len(objs)
        return objs


def _money(value: float) -> Decimal:
    return Decimal(int(value) // 1000 * 1000)


def _months(start_year: int):
    for i in range(12):
        year, month = (start_year, 4 + i) if i < 9 else (start_year + 1, i - 8)
        first = datetime.date(year, month, 1)
        yield first, first.replace(day=calendar.monthrange(year, month)[1])


def reference_data() -> tuple[list[MetricDefinition], list[NationalCondition]]:
    """The six national metrics and the national conditions (made once, reused)."""
    metrics = []
    for number, (code, name, unit, direction, basis, *_rest) in enumerate(METRICS, start=1):
        metric, _ = MetricDefinition.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": name,
                "number": number,
                "unit": unit,
                "direction": direction,
                "population_basis": basis,
            },
        )
        metrics.append(metric)
    conditions = []
    for order, (code, title) in enumerate(CONDITIONS):
        condition, _ = NationalCondition.objects.get_or_create(
            code=code, defaults={"title": title, "first_year": 2014, "order": order}
        )
        conditions.append(condition)
    return metrics, conditions


def _create(totals: Totals, model, objs: list, batch_size: int = 2000) -> list:
    return totals.add(model, model.objects.bulk_create(objs, batch_size=batch_size))


def generate_area(
    index: int,
    rng: random.Random,
    *,
    first_year: int,
    years: int,
    metrics: list[MetricDefinition],
    conditions: list[NationalCondition],
    totals: Totals,
    snapshots: str = "all",
) -> Area:
    """One area with everything it has, in one transaction."""
    place = f"{PLACES[index % len(PLACES)]}{SUFFIXES[(index // len(PLACES)) % len(SUFFIXES)]}"
    region = REGIONS[index % len(REGIONS)]
    with transaction.atomic():
        area = Area.objects.create(
            name=f"{place} {index + 1:03d}", code=f"E9{index + 1:07d}", region=region
        )
        la = Organisation.objects.create(
            name=f"{area.name} Council", short_name=f"LA{index + 1}", kind="la"
        )
        ccg = Organisation.objects.create(
            name=f"NHS {area.name} CCG", short_name=f"CCG{index + 1}", kind="ccg"
        )
        population = rng.randint(120_000, 1_400_000)
        scale = population / 500_000

        plans = _create(
            totals,
            Plan,
            [
                Plan(
                    area=area,
                    title=f"{area.name} Better Care Fund plan {FinancialYear(y).label}",
                    first_year=y,
                    last_year=y,
                    version_kind="final",
                    version_date=datetime.date(y, 3, rng.randint(1, 28)),
                    status="assured" if y < first_year + years - 1 else "agreed",
                    local_authority=la,
                    dates_agreed=f"HWB {rng.randint(1, 28)} March {y}",
                )
                for y in range(first_year, first_year + years)
            ],
        )
        Plan.ccgs.through.objects.bulk_create(
            [Plan.ccgs.through(plan_id=p.pk, organisation_id=ccg.pk) for p in plans]
        )
        boards = _create(
            totals,
            Board,
            [
                Board(area=area, name=HWB, short_name="HWB", frequency="monthly"),
                Board(area=area, name=IE, short_name="IE", frequency="monthly"),
            ],
        )
        for plan in plans:
            _plan_contents(plan, rng, scale, metrics, conditions, totals, first_year, years)
        _governance(area, boards, rng, first_year, years, totals)
        _returns(plans, first_year, years, totals, snapshots)
    totals.areas += 1
    return area


def _plan_contents(plan, rng, scale, metrics, conditions, totals, first_year, years):
    y = plan.first_year
    growth = 1.03 ** (y - first_year)
    minimum = _money(rng.uniform(18e6, 26e6) * scale * growth)
    agreed = minimum + _money(rng.uniform(0, 8e6) * scale)
    protected = _money(float(agreed) * rng.uniform(0.12, 0.22))
    _create(
        totals,
        PlanYear,
        [
            PlanYear(
                plan=plan,
                year=y,
                minimum_required=minimum,
                agreed_total=agreed,
                protected_social_care_stated=protected,
            )
        ],
    )
    _create(
        totals,
        NarrativeSection,
        [
            NarrativeSection(
                plan=plan,
                key=key,
                title=label,
                order=order,
                body=f"{label} for {plan.area.name}. " * rng.randint(3, 12),
            )
            for order, (key, label) in enumerate(NarrativeSection.Key.choices)
        ],
    )
    _create(
        totals,
        SignOff,
        [
            SignOff(plan=plan, on_behalf_of=who, name=f"Signatory {n}", position="Chair", order=n)
            for n, who in enumerate((HWB, "Council", "CCG"))
        ],
    )
    themes = _create(
        totals,
        Theme,
        [Theme(plan=plan, name=name, order=n) for n, name in enumerate(THEMES)],
    )
    count = rng.randint(45, 55)
    weights = [rng.uniform(0.2, 3.0) for _ in range(count)]
    total_weight = sum(weights)
    statuses = [s for s, _ in Scheme.Status.choices]
    schemes = _create(
        totals,
        Scheme,
        [
            Scheme(
                plan=plan,
                theme=themes[n % len(themes)],
                name=f"{rng.choice(SCHEME_WORDS)} {n + 1}",
                reference=f"S{n + 1:03d}",
                status=rng.choice(statuses),
                protection=("social_care" if n % 5 == 0 else "nhs" if n % 7 == 0 else ""),
                commissioner=rng.choice(("ccg", "la", "joint")),
                provider=rng.choice(("Council", "Community trust", "Acute trust", "Voluntary")),
                description="A synthetic scheme for the benchmarks.",
                order=n,
            )
            for n in range(count)
        ],
    )
    amounts = [_money(float(agreed) * 0.97 * w / total_weight) for w in weights]
    _create(
        totals,
        SchemeBudget,
        [SchemeBudget(scheme=s, year=y, amount=a) for s, a in zip(schemes, amounts, strict=True)],
    )
    past_quarters = 4 if y < first_year + years - 1 else 2
    _create(
        totals,
        SchemeQuarterSpend,
        [
            SchemeQuarterSpend(
                scheme=s,
                year=y,
                quarter=q,
                forecast=(a * Decimal(rng.uniform(0.9, 1.1))).quantize(Q2),
                actual=(a / 4 * Decimal(rng.uniform(0.8, 1.2))).quantize(Q2),
            )
            for s, a in zip(schemes, amounts, strict=True)
            for q in range(1, past_quarters + 1)
        ],
    )
    through = Scheme.metrics.through
    links = []
    for s in schemes:
        for m in rng.sample(metrics, rng.randint(1, 3)):
            links.append(through(scheme_id=s.pk, metricdefinition_id=m.pk))
    _create(totals, through, links)

    baselines, targets, actuals = [], [], []
    months = list(_months(y))
    for metric, (_code, _n, _unit, _d, _b, base, change) in zip(metrics, METRICS, strict=True):
        level = base * (1 + rng.uniform(-0.15, 0.15))
        baselines.append(
            Baseline(
                plan=plan,
                metric=metric,
                granularity="year",
                start=datetime.date(y - 1, 4, 1),
                end=datetime.date(y, 3, 31),
                value=Decimal(level).quantize(Q4),
            )
        )
        for i, (start, end) in enumerate(months):
            target = level * (1 + change * (i + 1) / 12)
            targets.append(
                TrajectoryPoint(
                    plan=plan,
                    metric=metric,
                    granularity="month",
                    start=start,
                    end=end,
                    value=Decimal(target).quantize(Q4),
                )
            )
            if i < past_quarters * 3:
                actuals.append(
                    Actual(
                        plan=plan,
                        metric=metric,
                        granularity="month",
                        start=start,
                        end=end,
                        value=Decimal(target * rng.uniform(0.93, 1.07)).quantize(Q4),
                        stage="final" if i < past_quarters * 3 - 2 else "provisional",
                        source="Synthetic",
                    )
                )
    _create(totals, Baseline, baselines)
    _create(totals, TrajectoryPoint, targets)
    _create(totals, Actual, actuals)

    conditions_rows = [
        ConditionStatus(
            plan=plan,
            condition=c,
            year=y,
            quarter=q,
            status=rng.choice(("met", "met", "met", "in_progress")),
            narrative="Synthetic status.",
        )
        for c in conditions
        for q in range(1, past_quarters + 1)
    ]
    _create(totals, ConditionStatus, conditions_rows)

    register = _create(totals, RiskRegister, [RiskRegister(plan=plan, scale=Scale.NHS_5X5)])[0]
    categories = _create(
        totals,
        RiskCategory,
        [RiskCategory(register=register, name=n, order=i) for i, n in enumerate(RISK_CATEGORIES)],
    )
    risks = []
    for n in range(rng.randint(26, 34)):
        lik, imp = rng.randint(1, 5), rng.randint(1, 5)
        lik_after, imp_after = max(1, lik - rng.randint(0, 2)), imp
        before = score_written(
            Scale.NHS_5X5, likelihood=str(lik), impact=str(imp), rating=str(lik * imp)
        )
        after = score_written(
            Scale.NHS_5X5,
            likelihood=str(lik_after),
            impact=str(imp_after),
            rating=str(lik_after * imp_after),
        )
        risks.append(
            RiskModel(
                register=register,
                category=categories[n % len(categories)],
                order=n,
                description=f"Risk {n + 1}: synthetic risk to the plan's delivery.",
                potential_impact="Schemes deliver less than planned.",
                likelihood=str(lik),
                impact=str(imp),
                rating_before=str(lik * imp),
                mitigations="Monthly monitoring at the Integration Executive.",
                likelihood_after=str(lik_after),
                impact_after=str(imp_after),
                rating_after=str(lik_after * imp_after),
                owner=rng.choice(
                    ("Director of Adult Social Care", "CCG Chief Officer", "BCF lead")
                ),
                next_review=datetime.date(y, 4, 1) + datetime.timedelta(days=rng.randint(30, 420)),
                status="closed" if rng.random() < 0.1 else "open",
                likelihood_score=before.likelihood,
                impact_score=before.impact,
                score_before=before.score,
                band_before=before.band,
                likelihood_after_score=after.likelihood,
                impact_after_score=after.impact,
                score_after=after.score,
                band_after=after.band,
            )
        )
    risks = _create(totals, RiskModel, risks)
    reviews = []
    for risk in risks:
        for r in range(rng.randint(1, 4)):
            lik = max(1, min(5, (risk.likelihood_score or 3) + rng.randint(-1, 1)))
            scored = score_written(
                Scale.NHS_5X5,
                likelihood=str(lik),
                impact=risk.impact,
                rating=str(lik * (risk.impact_score or 3)),
            )
            reviews.append(
                RiskReview(
                    risk=risk,
                    reviewed_on=datetime.date(y, 4, 1) + datetime.timedelta(days=90 * r + 10),
                    reviewer="BCF lead",
                    likelihood=str(lik),
                    impact=risk.impact,
                    rating=str(scored.score or ""),
                    score=scored.score,
                    band=scored.band,
                )
            )
    _create(totals, RiskReview, reviews)


def _governance(area, boards, rng, first_year, years, totals):
    meetings = []
    for board in boards:
        for y in range(first_year, first_year + years):
            for start, _end in _months(y):
                meetings.append(
                    Meeting(
                        board=board,
                        area=area,
                        date=start + datetime.timedelta(days=rng.randint(5, 25)),
                        time=datetime.time(14, 0),
                        venue="County Hall",
                        status="held",
                    )
                )
    meetings = _create(totals, Meeting, meetings)
    items = _create(
        totals,
        AgendaItem,
        [
            AgendaItem(meeting=m, number=n, title=title, presenter="BCF lead")
            for m in meetings
            for n, title in enumerate(("Minutes", "BCF performance", "Finance report"), start=1)
        ],
    )
    finance_items = [i for i in items if i.number == 3]
    _create(
        totals,
        Action,
        [
            Action(
                board=i.meeting.board,
                area=area,
                meeting=i.meeting,
                item=i,
                description="Report back on the scheme's spend.",
                owner_name="Finance lead",
                due_on=i.meeting.date + datetime.timedelta(days=28),
                status="open" if rng.random() < 0.2 else "done",
            )
            for i in finance_items
        ],
    )


def _returns(plans, first_year, years, totals, snapshots):
    from submissions.models import QuarterlyReturn
    from submissions.services import checksum_of, compute_snapshot

    latest = first_year + years - 1
    returns = []
    for plan in plans:
        quarters = 4 if plan.first_year < latest else 2
        for q in range(1, quarters + 1):
            returns.append(QuarterlyReturn(plan=plan, year=plan.first_year, quarter=q))
    returns = _create(totals, QuarterlyReturn, returns)
    chosen = [
        r for r in returns if snapshots == "all" or (snapshots == "latest" and r.year == latest)
    ]
    for ret in chosen:
        today = FinancialYear(ret.year).quarter(ret.quarter).end + datetime.timedelta(days=20)
        ret.snapshot = compute_snapshot(ret, today=today)
        ret.checksum = checksum_of(ret.snapshot)
        ret.status = QuarterlyReturn.Status.READY
    QuarterlyReturn.objects.bulk_update(chosen, ["snapshot", "checksum", "status"])


def generate(
    *,
    areas: int = 150,
    years: int = 5,
    seed: int = 1,
    first_year: int = 2022,
    snapshots: str = "all",
    log=print,
) -> Totals:
    """Build the national dataset; refuses to add to a database that already has areas."""
    if Area.objects.exists():
        raise RuntimeError("The database already has areas: generate into an empty database.")
    rng = random.Random(seed)
    totals = Totals()
    started = time.perf_counter()
    metrics, conditions = reference_data()
    for index in range(areas):
        generate_area(
            index,
            random.Random(rng.getrandbits(64)),
            first_year=first_year,
            years=years,
            metrics=metrics,
            conditions=conditions,
            totals=totals,
            snapshots=snapshots,
        )
        if (index + 1) % 10 == 0 or index + 1 == areas:
            log(f"{index + 1}/{areas} areas, {time.perf_counter() - started:.1f} s")
    totals.seconds = time.perf_counter() - started
    return totals
