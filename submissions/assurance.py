"""Assurance, the last step (issue 13, point 6): a regional assurer judges a submitted plan
version against each planning requirement, with a comment, then records the outcome
(approved, approved with conditions, not approved) and its date; the approval letter is
rendered as a PDF and stored; conditions are tracked to closure by the area, with dates.

Planning requirements are the national conditions that apply to the plan's first year and
the groups of NHS England's template checks (submissions/documents/checklist.py), each with
what the checks found, so the assurer sees the evidence beside the judgement.

Each service is one transaction and leaves history naming the user. An assurance is final
once decided; the plan version was frozen when agreed, and is "assured" when approved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from plans.models import NationalCondition, Plan
from plans.services import locked, plan_status_set, save_with_history
from submissions.documents.checklist import plan_checks
from submissions.documents.part1 import source_version
from submissions.documents.services import document_store
from submissions.models import (
    Assurance,
    AssuranceComment,
    AssuranceCondition,
    Document,
    PlanSnapshot,
)


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    evidence: str  # what the template checks found, or the condition's description


def requirements(plan: Plan) -> list[Requirement]:
    """What a plan version is assured against, in order: each national condition of its
    first year, then each group of template checks with how many of its items pass."""
    found = []
    conditions = NationalCondition.objects.applying_to(plan.first_year).order_by("order", "code")
    for condition in conditions:
        found.append(
            Requirement(
                f"condition:{condition.code}",
                f"National condition: {condition.title}",
                condition.description,
            )
        )
    groups: dict[str, list] = {}
    for check in plan_checks(plan=plan):
        groups.setdefault(check.group, []).append(check)
    for group, checks in groups.items():
        failing = [c for c in checks if not c.ok]
        evidence = (
            f"All {len(checks)} template check(s) pass."
            if not failing
            else f"{len(failing)} of {len(checks)} template check(s) fail: "
            + "; ".join(c.item for c in failing[:5])
            + ("…" if len(failing) > 5 else "")
        )
        found.append(Requirement(f"checks:{group.lower()}", f"Template checks: {group}", evidence))
    return found


def _assurer(user) -> None:
    from plans import permissions

    if user is None or not permissions.can_assure(user):
        raise ValidationError("Only a regional or national assurer records an assurance.")


def _open(plan: Plan, user) -> Assurance:
    current = locked(Plan, plan.pk)
    from plans import permissions

    permissions.check_content_held(current)  # nothing of it to assure
    assurance = Assurance.objects.select_for_update().filter(plan=current).first()
    if assurance is not None and assurance.is_decided:
        raise ValidationError(
            f"The assurance of this plan version was decided on "
            f"{assurance.decided_on:%-d %B %Y} and is final."
        )
    if current.status != Plan.Status.SUBMITTED:
        raise ValidationError(
            "Only a plan version submitted to NHS England is assured; this one is "
            f"“{current.get_status_display().lower()}”."
        )
    if assurance is None:
        assurance = Assurance(plan=current, assurer=user)
        save_with_history(assurance, user=user, reason="Assurance started")
    return assurance


@transaction.atomic
def assurance_review_save(*, plan: Plan, user, judgements: dict[str, tuple[str, str]]) -> Assurance:
    """Save the assurer's judgement and comment per requirement (key → (judgement,
    comment)); may be saved as often as needed until the outcome is recorded."""
    _assurer(user)
    assurance = _open(plan, user)
    known = {r.key: (position, r) for position, r in enumerate(requirements(plan))}
    unknown = set(judgements) - set(known)
    if unknown:
        raise ValidationError("A judgement names a requirement this plan does not have.")
    existing = {c.requirement: c for c in assurance.comments.all()}
    for key, (judgement, comment) in judgements.items():
        position, requirement = known[key]
        row = existing.get(key) or AssuranceComment(
            assurance=assurance, requirement=key, label=requirement.label[:300], order=position
        )
        if row.pk and (row.judgement, row.comment) == (judgement, comment.strip()):
            continue
        row.judgement, row.comment = judgement, comment.strip()
        save_with_history(row, user=user)
    return assurance


@transaction.atomic
def assurance_decide(
    *,
    plan: Plan,
    user,
    outcome: str,
    decided_on: datetime.date,
    summary: str = "",
    conditions: list[tuple[str, datetime.date]] = (),
) -> Assurance:
    """Record the outcome: every requirement judged first; conditions exactly when approved
    with conditions, each with a due date after the decision. An approved version becomes
    "assured"; the approval letter is rendered and stored. Final."""
    _assurer(user)
    assurance = _open(plan, user)
    judged = {c.requirement for c in assurance.comments.all() if c.judgement}
    missing = [r.label for r in requirements(plan) if r.key not in judged]
    problems = []
    if missing:
        problems.append(
            "Judge every planning requirement before recording the outcome; not yet judged: "
            + "; ".join(missing)
            + "."
        )
    if outcome not in Assurance.Outcome.values:
        problems.append("Choose the outcome.")
    conditions = [(text.strip(), due) for text, due in conditions if text.strip()]
    if outcome == Assurance.Outcome.WITH_CONDITIONS and not conditions:
        problems.append("An approval with conditions names at least one condition.")
    if outcome != Assurance.Outcome.WITH_CONDITIONS and conditions:
        problems.append("Only an approval with conditions has conditions.")
    if any(due is None or due < decided_on for _, due in conditions):
        problems.append("Give each condition a date, on or after the day of the decision.")
    if decided_on > timezone.localdate():
        problems.append("The outcome is recorded on or after the day it was decided.")
    if plan.submitted_on and decided_on < plan.submitted_on:
        problems.append("The outcome cannot come before the plan was submitted.")
    if problems:
        raise ValidationError(problems)
    assurance.outcome, assurance.decided_on, assurance.summary = outcome, decided_on, summary
    snapshot = PlanSnapshot.objects.filter(plan=plan).first()
    assurance.checksum = snapshot.checksum if snapshot else ""
    assurance.lock_version += 1
    save_with_history(assurance, user=user, reason=assurance.get_outcome_display())
    for number, (text, due) in enumerate(conditions, start=1):
        save_with_history(
            AssuranceCondition(assurance=assurance, number=number, text=text, due_on=due),
            user=user,
        )
    if outcome != Assurance.Outcome.NOT_APPROVED:
        plan_status_set(
            plan=plan, status=Plan.Status.ASSURED, on=decided_on, user=user, reason="Assured"
        )
    letter_store(assurance=assurance, user=user)
    return assurance


@transaction.atomic
def assurance_condition_close(
    *, condition: AssuranceCondition, user, evidence: str, on: datetime.date | None = None
) -> AssuranceCondition:
    """The area records a condition met: how, and on what day."""
    current = locked(AssuranceCondition, condition.pk)
    if not current.is_open:
        raise ValidationError(f"Condition {current.number} was closed on {current.closed_on}.")
    on = on or timezone.localdate()
    if not evidence.strip():
        raise ValidationError({"evidence": "Say how the condition was met."})
    if on < current.assurance.decided_on or on > timezone.localdate():
        raise ValidationError(
            {"on": "A condition is met on or after the decision, and not in the future."}
        )
    current.closed_on, current.closed_by, current.evidence = on, user, evidence.strip()
    save_with_history(current, user=user, reason="Condition met")
    return current


# The approval letter ---------------------------------------------------------------------


def letter_html(assurance: Assurance) -> str:
    plan = assurance.plan
    return render_to_string(
        "submissions/documents/assurance_letter.html",
        {
            "assurance": assurance,
            "plan": plan,
            "comments": list(assurance.comments.order_by("order")),
            "conditions": list(assurance.conditions.order_by("number")),
        },
    )


def letter_store(*, assurance: Assurance, user=None) -> Document:
    """Render the letter with WeasyPrint and keep it with the plan's documents."""
    from governance.pdf import html_to_pdf

    return document_store(
        plan=assurance.plan,
        kind=Document.Kind.ASSURANCE_LETTER,
        content=html_to_pdf(letter_html(assurance), tagged=True),
        source_version=source_version(assurance.plan),
        user=user,
    )
