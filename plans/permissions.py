"""Who may do what: roles × area × object state. The only place that decides.

Roles are Django groups. Areas are `Membership` rows. Views, the API, the admin and tasks
ask the functions here; none re-implements a check. Plan-level things (schemes, metrics,
risks, funds) are checked against their plan; area-level things (boards, meetings) against
their area.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404

from plans.models import Plan
from plans.roles import (
    ADMINISTRATOR,
    ASSURER,
    BOARD,
    EXECUTIVE,
    FINANCE,
    OFFICER,
    ROLES,
    area_ids_of,
    board_ids_of,
    roles_of,
    sees_all_areas,
)

VIEW = "view"
EDIT_PLAN = "edit_plan"  # plan details, pooled budget, narrative sections
EDIT_SCHEMES = "edit_schemes"  # schemes and their budgets
EDIT_METRICS = "edit_metrics"  # baselines and trajectories
ENTER_ACTUALS = "enter_actuals"  # metric actuals
EDIT_RISKS = "edit_risks"  # risk register, reviews, risk-sharing scenarios
EDIT_FUNDS = "edit_funds"  # contingency, risk pool and reserves, and their releases
EDIT_GOVERNANCE = "edit_governance"  # boards, meetings, agendas, minutes, actions
RECORD_DECISIONS = "record_decisions"  # decisions and the approvals they make
# The quarterly status of the national conditions: reported after agreement too.
RECORD_CONDITIONS = "record_conditions"
# Rendering a document (Part 1 PDF, Part 2 workbook, a return's report and workbook, a
# meeting's minutes as PDF): the roles who prepare the papers. Board members, executives
# and assurers read the stored documents; each render takes a worker for seconds and stores
# a file, so read-only roles do not start them.
RENDER_DOCUMENTS = "render_documents"

_ACTION_ROLES = {
    VIEW: set(ROLES),
    EDIT_PLAN: {OFFICER, ADMINISTRATOR},
    EDIT_SCHEMES: {OFFICER, FINANCE, ADMINISTRATOR},
    EDIT_METRICS: {OFFICER, ADMINISTRATOR},
    ENTER_ACTUALS: {OFFICER, FINANCE, ADMINISTRATOR},
    EDIT_RISKS: {OFFICER, FINANCE, ADMINISTRATOR},
    EDIT_FUNDS: {OFFICER, FINANCE, ADMINISTRATOR},
    EDIT_GOVERNANCE: {OFFICER, ADMINISTRATOR},
    RECORD_DECISIONS: {OFFICER, ADMINISTRATOR},
    RECORD_CONDITIONS: {OFFICER, ADMINISTRATOR},
    RENDER_DOCUMENTS: {OFFICER, FINANCE, ADMINISTRATOR},
}
CHANGES = frozenset(_ACTION_ROLES) - {VIEW}


def can_in_area(user, action: str, area_id: int) -> bool:
    """May `user` do `action` on things of the area `area_id` (boards, meetings…)?"""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    member = area_id in area_ids_of(user)
    if action in CHANGES:
        return member and bool(roles_of(user) & _ACTION_ROLES[action])
    return (member or sees_all_areas(user)) and bool(roles_of(user) & _ACTION_ROLES[action])


def can(user, action: str, plan) -> bool:
    """May `user` do `action` on `plan` (and what belongs to it)? Nothing changes in, or is
    rendered from, a version whose content is not among the sources."""
    if action in CHANGES and not plan.content_held:
        return False
    if action in CHANGES and action not in ALLOWED_ON_FROZEN and plan.is_frozen:
        return False
    return can_in_area(user, action, plan.area_id)


def check(user, action: str, plan) -> None:
    """Refuse (403) what `can` refuses; when only the plan's state stands in the way, the
    refusal is `Frozen`, which says so and how to change the plan instead; when the version's
    content is not among the sources, `ContentNotHeld`."""
    if can(user, action, plan):
        return
    if can_in_area(user, action, plan.area_id):
        if not plan.content_held:
            raise ContentNotHeld(plan)
        raise Frozen(plan)
    raise PermissionDenied


# Versions whose content is not among the sources -------------------------------------------
#
# The one home of the rule "a version the sources name without giving its content shows,
# and takes, no content": its own page, its versions page and its history show it with what
# the sources say of it (they ask `get_plan(..., content=False)`); every other page of a
# plan, every change and every document of it is refused with `ContentNotHeld`.


class ContentNotHeld(Http404):
    """A page, change or document of a version's content asked of a version whose content
    the sources do not give. A 404 (there is no such content here) whose page says why and
    quotes the sources; the API answers with the message."""

    def __init__(self, plan):
        self.plan = plan
        self.message = (
            f"“{plan.title}” {plan.get_version_kind_display().lower()} {plan.number} is held "
            "only by its dates and the decisions on it: its content is not among the sources, "
            "so it has no schemes, budgets, metrics, narrative or documents to show."
        )
        super().__init__(self.message)


def check_content_held(plan) -> None:
    """Refuse (`ContentNotHeld`) anything about the content of a version that holds none."""
    if not plan.content_held:
        raise ContentNotHeld(plan)


# Frozen plans and returns ------------------------------------------------------------------
#
# The one home of the rule "agreed plans stay agreed, approved returns stay approved".
# Views and the API ask `can`/`check` (by action); services, imports, tasks and the admin,
# which meet records rather than actions, ask `check_changeable(record)`. Both come down to
# `frozen_owner`.

# Changes an agreed (or submitted, assured) plan version still takes: what happens after
# agreement is recorded against it (actuals, quarterly spend, what schemes achieved, the
# quarterly status of the national conditions, risks and funds); the plan's own content does
# not change in place.
ALLOWED_ON_FROZEN = frozenset({ENTER_ACTUALS, EDIT_RISKS, EDIT_FUNDS, RECORD_CONDITIONS})
# The same as kinds of record (app label or "app_label.model"), for the paths that meet
# records. Submissions' own records (returns, documents, jobs, assurance) are about a plan,
# not part of it; a return follows its own state.
RECORDS_ALLOWED_ON_FROZEN = frozenset(
    {
        "metrics.actual",
        "metrics.spcrebase",  # SPC limits recalculated over the actuals, as they come
        "schemes.schemequarterspend",
        "schemes.planquarterspend",
        "schemes.schemeimpact",
        "plans.conditionstatus",
        # The section 75 agreement is signed, and varied, after the plan is agreed.
        "plans.section75agreement",
        "plans.section75agreement_funding_streams",
        "plans.section75variation",
        "risks",
        "submissions",
        "governance",
    }
)
# How a record reaches the plan or return it belongs to (a scheme's budget → its scheme →
# its plan; a fund release → its fund → its plan). Every one of them is followed: a scheme
# moved to a theme of a frozen plan is caught by its theme as well as by its plan.
OWNER_FIELDS = ("ret", "quarterly_return", "scheme", "theme", "risk", "register", "fund", "plan")


class Frozen(PermissionDenied):
    """A change refused because what it changes is an agreed plan version or an approved
    return. `owner` is that plan or return; the refusal page links to what to do instead
    (start a new draft version of the plan, or make a new version of the return)."""

    def __init__(self, owner):
        self.owner = owner
        self.is_plan = owner._meta.label_lower == "plans.plan"
        if self.is_plan:
            message = (
                f"“{owner.title}” ({owner.version_label}) no longer changes: "
                "start a new draft version to change it."
            )
        else:
            message = (
                "This return has been approved and cannot change. To correct it, make a new "
                "version."
            )
        self.message = message
        super().__init__(message)


def _stateful(obj) -> bool:
    return hasattr(type(obj), "is_frozen")  # a plan version or a quarterly return


def frozen_owner(obj):
    """The frozen plan (agreed, submitted, assured) or return (approved, submitted) that
    `obj` is or belongs to; None when it may change.

    A plan or return decides by its own state; a kind of record that a frozen plan still
    takes (RECORDS_ALLOWED_ON_FROZEN) is never frozen by its plan; anything else is frozen
    when any owner it reaches through OWNER_FIELDS is.
    """
    if _stateful(obj):
        return obj if obj.is_frozen else None
    meta = obj._meta
    if {meta.app_label, meta.label_lower} & RECORDS_ALLOWED_ON_FROZEN:
        return None
    relations = {f.name for f in meta.concrete_fields if f.is_relation}
    for name in OWNER_FIELDS:
        if name in relations and getattr(obj, f"{name}_id", None) is not None:
            owner = frozen_owner(getattr(obj, name))
            if owner is not None:
                return owner
    return None


def check_changeable(obj, *, content: bool = True) -> None:
    """Refuse (`Frozen`) a change to `obj`, to a record being added to it or moved into it
    (pass the unsaved record), when it is or belongs to an agreed plan or approved return;
    refuse (`ContentNotHeld`) a change to the content of a version whose content is not among
    the sources, or a record given to it (`content=False`: a step that only records what the
    version holds, such as preparing its snapshot). Every service that writes a plan's
    content calls it, and so does the admin."""
    plan = obj if isinstance(obj, Plan) else _plan_in_hand(obj)
    if content and plan is not None and not plan.content_held:
        raise ContentNotHeld(plan)
    owner = frozen_owner(obj)
    if owner is not None:
        raise Frozen(owner)


def _plan_in_hand(obj) -> Plan | None:
    """The plan a record is given with (a record being added to it), without a query."""
    try:
        field = obj._meta.get_field("plan")
    except FieldDoesNotExist:
        return None
    if field.is_relation and not field.many_to_many and field.is_cached(obj):
        plan = field.get_cached_value(obj)
        return plan if isinstance(plan, Plan) else None
    return None


def check_in_area(user, action: str, area_id: int) -> None:
    if not can_in_area(user, action, area_id):
        raise PermissionDenied


# Members who decide: Integration Executive and HWB Board members record the decisions of a
# board they sit on; officers and administrators record any board's, as its clerks do.
_DECIDING_MEMBERS = {EXECUTIVE, BOARD}


def can_decide(user, board) -> bool:
    """May `user` record decisions (and what they approve) at meetings of `board`?"""
    if can_in_area(user, RECORD_DECISIONS, board.area_id):
        return True
    return (
        board.area_id in area_ids_of(user)
        and bool(roles_of(user) & _DECIDING_MEMBERS)
        and board.pk in board_ids_of(user)
    )


def check_decide(user, board) -> None:
    if not can_decide(user, board):
        raise PermissionDenied(
            f"Decisions of the {board.name} are recorded by its members and the area's officers."
        )


def can_start_version(user, plan) -> bool:
    """May `user` start a new draft version of `plan` (rolling it forward)? Those who write
    the plan, whatever state this version is in: an agreed one is frozen, and a new version
    is how it changes. Not from a version whose content is not among the sources: it has
    none to carry."""
    return plan.content_held and can_in_area(user, EDIT_PLAN, plan.area_id)


def can_retry_job(user, job) -> bool:
    """Only the person who started a background job (or a superuser) tries it again, and
    only in an area they may see."""
    return can_in_area(user, VIEW, job.area_id) and (
        job.created_by_id == user.pk or user.is_superuser
    )


def check_retry_job(user, job) -> None:
    if not can_retry_job(user, job):
        raise PermissionDenied("Only the person who started this job can try it again.")


def can_assure(user) -> bool:
    """Regional and national assurers (and administrators) record the assurance of plans of
    every area; nobody assures their own area's plan."""
    return user.is_authenticated and (user.is_superuser or ASSURER in roles_of(user))


def can_import_publications(user) -> bool:
    """National publications write every area's figures at once: administrators of the
    whole installation (superusers) import them; an area's own administrator does not."""
    return user.is_authenticated and user.is_superuser


def check_import_publications(user) -> None:
    if not can_import_publications(user):
        raise PermissionDenied("Only an administrator imports national publications.")


def check_reads_publications(user) -> None:
    """The national publications imported, and what each did to every area: for those who
    read every area (assurers and administrators)."""
    if not sees_all_areas(user):
        raise PermissionDenied("National publications are read by assurers and administrators.")


def get_plan(user, pk, action: str = VIEW, queryset=None, *, content: bool = True):
    """The scoped entry point to a plan by id: 404 if there is none, 403 if not allowed.

    A page of the version's content (the default) is refused, with `ContentNotHeld`, for a
    version whose content is not among the sources; the pages that show such a version for
    what it is (its own page, its versions, its history) pass `content=False`."""
    try:
        if queryset is None and type(pk) is int:
            plan = Plan.objects.by_id(pk)  # the ORM's statement, written once per process
        else:
            # get(), not first(): no ordering to build for a key that is unique.
            plan = (Plan.objects.all() if queryset is None else queryset).get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404("No such plan.") from None
    check(user, action, plan)
    if content:
        check_content_held(plan)
    return plan


def get_in_area(user, queryset, pk, action: str = VIEW):
    """The scoped entry point to an area-level record (with an `area_id`) by id: 404/403."""
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404("Not found.")
    check_in_area(user, action, record.area_id)
    return record


def area_ids_visible_to(user):
    """For filtering area-level lists: None means every area."""
    if sees_all_areas(user):
        return None
    return area_ids_of(user)


def check_compares_areas(user) -> None:
    """The national view sets every area side by side: for those who read every area."""
    if not sees_all_areas(user):
        raise PermissionDenied("Comparing areas is open to assurers and administrators.")


def administers(user) -> bool:
    """Administrators set up areas, their partner organisations and their users."""
    return user.is_authenticated and (user.is_superuser or ADMINISTRATOR in roles_of(user))


def check_administers(user) -> None:
    if not administers(user):
        raise PermissionDenied("Setting up areas and users is for administrators.")


# Content fields of the plan row itself: what a version says, not the state it is in.
PLAN_STATE_FIELDS = frozenset(
    {
        "id",
        "status",
        "number",
        "put_forward_on",
        "agreed_on",
        "submitted_on",
        "assured_on",
        "agreed_on_precision",
        "submitted_on_precision",
        "assured_on_precision",
        "state_source",
    }
)


def frozen_content_models() -> list[tuple[type, str]]:
    """Every model whose records are part of a plan version's content (frozen with it), with
    the lookup from it to its plan ("scheme__plan"): the models reaching a plan through
    OWNER_FIELDS, not allowed on a frozen plan, and not history tables. Found from the
    models, so a kind of content added later is frozen, and snapshotted, without a change
    here. Many-to-many tables (a scheme's metrics, a plan's CCGs) are included."""
    from django.apps import apps

    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        names = {f.name for f in meta.concrete_fields}
        if {"history_id", "m2m_history_id"} & names or _stateful_model(model):
            continue
        if {meta.app_label, meta.label_lower} & RECORDS_ALLOWED_ON_FROZEN:
            continue
        path = _path_to_plan(model)
        if path is not None:
            found.append((model, path))
    return sorted(found, key=lambda pair: pair[0]._meta.label_lower)


def _stateful_model(model) -> bool:
    return hasattr(model, "is_frozen")


def _path_to_plan(model, seen=()) -> str | None:
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.many_to_many:
            continue
        target = field.related_model
        owner_name = field.name if field.name in OWNER_FIELDS else None
        if owner_name is None and not model._meta.auto_created:
            continue
        if target._meta.label_lower == "plans.plan":
            return field.name
        if target in seen or _stateful_model(target):
            continue
        rest = _path_to_plan(target, (*seen, model))
        if rest is not None:
            return f"{field.name}__{rest}"
    return None
