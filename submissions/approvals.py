"""The kinds of object a board's decision approves, registered with governance
(governance/approvables.py): plan versions, quarterly and year-end returns, and releases
from contingency and risk-pool funds. Submissions registers them because it may import every
app whose objects are approved, and owns the snapshots that say what exactly was approved.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from governance.approvables import Approvable, register
from governance.models import Power
from plans.models import Plan
from plans.services import plan_status_set
from risks.models import FundRelease
from submissions import services
from submissions.models import PlanSnapshot, QuarterlyReturn
from submissions.readiness import plan_staleness


def _plan_put_forward_on(plan: Plan) -> datetime.date | None:
    return plan.put_forward_on if plan.status != Plan.Status.DRAFT else None


def _plan_refusal(plan: Plan) -> str | None:
    if plan.status != Plan.Status.READY:
        return None  # not put forward, or agreed already: said by the general conditions
    return plan_staleness(plan)


def _agree(plan: Plan, user, on: datetime.date) -> None:
    plan_status_set(plan=plan, status=Plan.Status.AGREED, on=on, user=user, reason="Agreed")
    plan.refresh_from_db()


def _plan_checksum(plan: Plan) -> str:
    snapshot = PlanSnapshot.objects.filter(plan=plan).first()
    return snapshot.checksum if snapshot else ""


def _return_refusal(ret: QuarterlyReturn) -> str | None:
    if ret.status != QuarterlyReturn.Status.READY:
        return None
    return services.return_staleness(ret)


def _release_put_forward_on(release: FundRelease) -> datetime.date | None:
    first = release.history.order_by("history_date").first()
    return first.history_date.date() if first else None


def register_all() -> None:
    register(
        Approvable(
            label="plans.plan",
            noun="plan version",
            kind=lambda plan: Power.Kind.PLAN,
            put_forward_on=_plan_put_forward_on,
            refusal=_plan_refusal,
            approve=_agree,
            checksum=_plan_checksum,
            candidates=lambda area_id: Plan.objects.filter(area_id=area_id).order_by(
                "-first_year", "-number"
            ),
            url=lambda plan: reverse("plans:plan_detail", args=[plan.pk]),
            awaiting=lambda area_ids: Plan.objects.filter(
                area_id__in=area_ids, status=Plan.Status.READY
            ).select_related("area"),
        )
    )
    register(
        Approvable(
            label="submissions.quarterlyreturn",
            noun="return",
            kind=lambda ret: (
                Power.Kind.YEAR_END_RETURN if ret.quarter == 4 else Power.Kind.QUARTERLY_RETURN
            ),
            put_forward_on=lambda ret: ret.ready_on,
            refusal=_return_refusal,
            approve=services.approve_return_effect,
            checksum=lambda ret: ret.checksum,
            candidates=lambda area_id: (
                QuarterlyReturn.objects.filter(plan__area_id=area_id)
                .select_related("plan__area")
                .order_by("-year", "-quarter", "-version")
            ),
            url=lambda ret: reverse("submissions:return_detail", args=[ret.pk]),
            awaiting=lambda area_ids: QuarterlyReturn.objects.filter(
                plan__area_id__in=area_ids, status=QuarterlyReturn.Status.READY
            ).select_related("plan__area"),
        )
    )
    register(
        Approvable(
            label="risks.fundrelease",
            noun="release",
            kind=lambda release: Power.Kind.FUND_RELEASE,
            put_forward_on=_release_put_forward_on,
            refusal=lambda release: None,
            approve=lambda release, user, on: None,
            checksum=lambda release: "",
            candidates=lambda area_id: FundRelease.objects.filter(
                fund__plan__area_id=area_id
            ).order_by("-pk"),
            url=lambda release: reverse("risks:fund_list", args=[release.fund.plan_id]),
            # A release is recorded with its decision's reference: none waits in the app.
            awaiting=lambda area_ids: FundRelease.objects.none(),
        )
    )
