"""The writes of a plan's documents: storing rendered documents (asking for one, which
starts the job that renders it, is submissions/documents/requests.py); bringing a Part 2
workbook back into the plan; rolling a plan forward into a new version (draft → final, or
a refresh for the next year), copying through each app's services so that every copied row
is validated and has its history record."""

from __future__ import annotations

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from metrics import services as metric_services
from metrics.models import Baseline, TrajectoryPoint
from plans import permissions
from plans import services as plan_services
from plans.imports import Preview, PreviewChanged, Target, import_apply
from plans.models import Plan
from risks import services as risk_services
from risks.models import Risk, RiskRegister
from schemes import services as scheme_services
from schemes.capacity import services as capacity_services
from schemes.selectors import scheme_list
from submissions.documents.crossing import Crossing
from submissions.documents.part2_import import Part2Import, part2_preview
from submissions.models import Document, Job

# Which job renders which kind of document.
JOB_KINDS = {
    Document.Kind.PART1_PDF: "render-part1",
    Document.Kind.PART2_XLSX: "render-part2",
}
EXTENSIONS = {
    Document.Kind.PART1_PDF: "pdf",
    Document.Kind.PART2_XLSX: "xlsx",
    Document.Kind.RETURN_PDF: "pdf",
    Document.Kind.RETURN_XLSX: "xlsx",
    Document.Kind.YEAR_END_XLSX: "xlsx",
    Document.Kind.YEAR_END_PDF: "pdf",
    Document.Kind.ASSURANCE_LETTER: "pdf",
    Document.Kind.MINUTES_PDF: "pdf",
    Document.Kind.BOARD_PACK_PDF: "pdf",
}


@transaction.atomic
def document_store(
    *,
    plan: Plan,
    kind: str,
    content: bytes,
    source_version: str,
    job: Job | None = None,
    user=None,
    quarterly_return=None,
    meeting=None,
    fingerprint: str = "",
) -> Document:
    """Keep a rendered file with its SHA-256 checksum, size and the version it came from.

    `quarterly_return` is set for a return's documents (their `source_version` is the
    return version, "2016/17 Q3 v1" or "2016/17 year-end v1"), `meeting` for a meeting's
    minutes (no plan);
    `fingerprint` says what it was made from (submissions/documents/requests.py).
    Idempotent per job: a job that runs again replaces nothing and returns its document.
    """
    if job is not None:
        existing = Document.objects.filter(job=job, kind=kind).first()
        if existing is not None:
            return existing
    if meeting is not None:
        name = f"{slugify(meeting.board.name)}-{meeting.date:%Y-%m-%d}-{kind}.{EXTENSIONS[kind]}"
    elif quarterly_return is not None or kind == Document.Kind.BOARD_PACK_PDF:
        name = f"{slugify(plan.title)}-{slugify(source_version)}-{kind}.{EXTENSIONS[kind]}"
    else:
        name = f"{slugify(plan.title)}-{plan.version_date:%Y-%m-%d}-{kind}.{EXTENSIONS[kind]}"
    document = Document(
        plan=plan,
        quarterly_return=quarterly_return,
        meeting=meeting,
        kind=kind,
        source_version=source_version,
        fingerprint=fingerprint,
        checksum=hashlib.sha256(content).hexdigest(),
        size=len(content),
        job=job,
        created_by=user,
    )
    document.file.save(name, ContentFile(content), save=False)
    document.full_clean()
    document.save()
    return document


def part2_import(*, plan: Plan, content: bytes, user=None) -> Preview:
    """Preview and apply a Part 2 workbook at once, all or nothing (for loaders and tests;
    people confirm the preview on the import page, submissions/documents/part2_import.py).
    The preview returned says what was done, or holds the problems found and nothing was."""
    preview = part2_preview(plan, content)
    if preview.errors:
        return preview
    try:
        return import_apply(
            importer=Part2Import(),
            target=Target(plan=plan, back_url="", done_url=""),
            content=content,
            extension="xlsx",
            fingerprint=preview.fingerprint(),
            user=user,
        )
    except PreviewChanged as changed:
        return changed.preview


_SCHEME_FIELDS = (
    "reference",
    "description",
    "scheme_type",
    "sub_type",
    "area_of_spend",
    "commissioner",
    "nhs_share_percent",
    "provider",
    "source_of_funding",
    "no_metric_reason",
)


def _figure(record) -> dict:
    return {
        "granularity": record.granularity,
        "start": record.start,
        "end": record.end,
        "value": None if record.entered_as == record.EnteredAs.COUNTS else record.value,
        "numerator": record.numerator if record.entered_as == record.EnteredAs.COUNTS else None,
        "denominator": record.denominator,
        "note": record.note,
    }


def _stated_figures_copy(plan: Plan, new: Plan, *, user=None) -> None:
    """The sums the plan states in its text, with their parts, for the years the new
    version still covers (a figure of no year goes with its text)."""
    copies: dict[int, object] = {}
    figures = sorted(plan.stated_figures.all(), key=lambda f: (f.parent_id is not None, f.order))
    for figure in figures:
        if figure.year and not new.covers(figure.year):
            continue
        if figure.parent_id is not None and figure.parent_id not in copies:
            continue
        copies[figure.pk] = plan_services.stated_figure_set(
            plan=new,
            parent=copies.get(figure.parent_id) if figure.parent_id else None,
            label=figure.label,
            amount=figure.amount,
            as_written=figure.as_written,
            year=figure.year,
            organisation=figure.organisation,
            words=figure.words,
            source=figure.source,
            section_key=figure.section_key,
            order=figure.order,
            user=user,
        )


@transaction.atomic
def plan_roll_forward(
    *,
    plan: Plan,
    version_kind: str,
    version_date: datetime.date,
    title: str | None = None,
    years_ahead: int = 0,
    user=None,
) -> Plan:
    """A new draft version of `plan` with its sections, pooled budget, sign-offs (for a
    final of the same years), themes, schemes with budgets and metric links, baselines,
    trajectories and risk register.

    `years_ahead` shifts the years for a refresh (1: 2014/15–2015/16 becomes 2015/16–
    2016/17); budgets and targets of years the new version no longer covers are dropped.
    Into a year of another policy framework, metrics and scheme types are carried as that
    framework has them (submissions/documents/crossing.py), which also lists what is left
    to complete. Refused for a version whose content is not among the sources (it has none
    to carry).
    """
    permissions.check_content_held(plan)
    first, last = plan.first_year + years_ahead, plan.last_year + years_ahead
    new = plan_services.plan_create(
        area=plan.area,
        title=title or plan.title,
        first_year=first,
        last_year=last,
        version_kind=version_kind,
        version_date=version_date,
        local_authority=plan.local_authority,
        ccgs=list(plan.ccgs.all()),
        boundary_differences=plan.boundary_differences,
        dates_agreed="" if years_ahead else plan.dates_agreed,
        dates_submitted="",
        user=user,
        illustrative=plan.illustrative,
    )
    targets = {s.key: s for s in new.sections.all()}
    same_framework = new.framework_id == plan.framework_id
    for section in plan.sections.all():
        target = targets.get(section.key)
        if target is None and (same_framework or section.body):
            # A heading the new version's framework has not: carried, with its text, within
            # a framework (or a plan of none); into another framework only where written.
            plan_services.plan_section_add(
                plan=new,
                key=section.key,
                title=section.title,
                guidance=section.guidance,
                body=section.body,
                user=user,
            )
        elif target is not None and section.body:
            plan_services.section_update(
                section=target, body=section.body, expected_version=None, user=user
            )
    for plan_year in plan.plan_years.all():
        if new.covers(plan_year.year):
            plan_services.plan_year_set(
                plan=new,
                year=plan_year.year,
                minimum_required=plan_year.minimum_required,
                agreed_total=plan_year.agreed_total,
                protected_social_care_stated=plan_year.protected_social_care_stated,
                user=user,
            )
    _stated_figures_copy(plan, new, user=user)
    themes = {}
    for theme in plan.themes.all():
        themes[theme.pk] = scheme_services.theme_create(
            plan=new, name=theme.name, order=theme.order, user=user
        )
    crossing = Crossing.between(plan, new)
    copies = {}
    for scheme in scheme_list(plan=plan):
        budgets = {b.year: b.amount for b in scheme.budgets.all() if new.covers(b.year)}
        copy = scheme_services.scheme_create(
            plan=new,
            theme=themes[scheme.theme_id],
            name=scheme.name,
            status=scheme.status,
            status_as_written=scheme.status_as_written,
            source_conflict=scheme.source_conflict,
            protection=scheme.protection,
            metrics=crossing.metrics(scheme.metrics.all()),
            budgets=budgets,
            order=scheme.order,
            user=user,
        )
        extra = crossing.scheme_fields({name: getattr(scheme, name) for name in _SCHEME_FIELDS})
        if any(value not in ("", None) for value in extra.values()):
            scheme_services.scheme_update(scheme=copy, expected_version=None, user=user, **extra)
        copies[scheme.pk] = copy
    capacity_services.capacity_copy(source=plan, target=new, schemes=copies, user=user)
    for baseline in Baseline.objects.filter(plan=plan).select_related("metric"):
        if crossing.keeps_figures_of(baseline.metric):
            metric_services.baseline_set(
                plan=new, metric=baseline.metric, user=user, **_figure(baseline)
            )
    for point in TrajectoryPoint.objects.filter(plan=plan).select_related("metric"):
        if not crossing.keeps_figures_of(point.metric):
            continue
        if first <= point.end.year - (point.end.month < 4) <= last:
            metric_services.target_create(
                plan=new, metric=point.metric, user=user, **_figure(point)
            )
    register = RiskRegister.objects.filter(plan=plan).first()
    if register is not None:
        new_register = risk_services.register_create(
            plan=new, scale=register.scale, source=register.source, user=user
        )
        categories = {
            category.pk: risk_services.category_create(
                register=new_register, name=category.name, order=category.order, user=user
            )
            for category in register.categories.all()
        }
        for risk in Risk.objects.filter(register=register).order_by("category__order", "order"):
            risk_services.risk_create(
                register=new_register,
                category=categories[risk.category_id],
                user=user,
                order=risk.order,
                **{
                    name: getattr(risk, name)
                    for name in risk_services.RISK_FIELDS
                    if name != "category"
                },
            )
    return new
