"""Board, meeting and minutes pages and the forms that record what a meeting did.

Every record is reached through `plans.permissions.get_in_area` (404 if missing, 403 if not
allowed); the writes are the services'. A refused service call is shown on the form with
what was typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from governance import forms, selectors, services
from governance.models import (
    Action,
    AgendaItem,
    Attendance,
    Board,
    Decision,
    DeclarationOfInterest,
    ItemReport,
    Meeting,
    MinutePoint,
)
from plans import permissions
from plans.forms import refusal_on_form
from plans.history import entries_for


def _today():
    return timezone.localdate()


def _board(request, pk, action=permissions.VIEW) -> Board:
    return permissions.get_in_area(request.user, selectors.board_page_queryset(), pk, action)


def _meeting(request, pk, action=permissions.VIEW) -> Meeting:
    return permissions.get_in_area(request.user, selectors.meeting_page_queryset(), pk, action)


def _item(meeting, item_pk):
    item = next((i for i in meeting.items.all() if i.pk == item_pk), None)
    if item is None:
        raise Http404("No such item in this meeting.")
    return item


def _form_page(request, form, *, meeting=None, board=None, heading, button, on_valid):
    """GET shows the form; a valid POST runs `on_valid(data)` and returns to the meeting."""
    if request.method == "POST" and form.is_valid():
        try:
            message = on_valid(form.cleaned_data)
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, message)
            if meeting is not None:
                return redirect("governance:meeting_detail", pk=meeting.pk)
            return redirect("governance:board_detail", pk=board.pk)
    return render(
        request,
        "governance/form.html",
        {
            "form": form,
            "meeting": meeting,
            "board": board or meeting.board,
            "heading": heading,
            "button": button,
            "forms_with_errors": [form] if form.errors else [],
        },
    )


# Pages -----------------------------------------------------------------------------------


@login_required
def board_list(request):
    today = _today()
    return render(
        request,
        "governance/board_list.html",
        {
            "boards": selectors.boards_for(user=request.user, today=today),
            "my_overdue": selectors.overdue_actions_of(user=request.user, today=today),
            "today": today,
            "can_set_up": request.user.is_superuser
            or any(
                permissions.can_in_area(request.user, permissions.EDIT_GOVERNANCE, area_id)
                for area_id in permissions.area_ids_of(request.user)
            ),
        },
    )


@login_required
def board_detail(request, pk):
    board = _board(request, pk)
    today = _today()
    return render(
        request,
        "governance/board_detail.html",
        {
            "board": board,
            "terms": board.terms.all(),
            "overdue": selectors.board_overdue_actions(board=board, today=today),
            "forward": selectors.forward_plan(board=board, today=today),
            "today": today,
            "can_edit": permissions.can_in_area(
                request.user, permissions.EDIT_GOVERNANCE, board.area_id
            ),
            "can_decide": permissions.can_decide(request.user, board),
        },
    )


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    area_id = meeting.area_id
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "board": meeting.board,
            "today": _today(),
            "can_edit": permissions.can_in_area(request.user, permissions.EDIT_GOVERNANCE, area_id),
            "can_decide": permissions.can_decide(request.user, meeting.board),
        },
    )


@login_required
def minutes_print(request, pk):
    meeting = _meeting(request, pk)
    return render(request, "governance/minutes_print.html", selectors.minutes_context(meeting))


@login_required
def report_download(request, pk):
    queryset = ItemReport.objects.annotate(area_id=F("item__meeting__area_id"))
    report = permissions.get_in_area(request.user, queryset, pk, permissions.VIEW)
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404("The report file is missing.") from None
    return FileResponse(handle, as_attachment=True, filename=report.file.name.rsplit("/", 1)[-1])


# Forms -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def meeting_create(request, pk):
    board = _board(request, pk, permissions.EDIT_GOVERNANCE)
    form = forms.MeetingForm(request.POST or None, initial={"status": Meeting.Status.SCHEDULED})

    def save(data):
        meeting = services.meeting_schedule(board=board, user=request.user, **data)
        return f"Meeting of {meeting} scheduled."

    return _form_page(
        request, form, board=board, heading="Schedule a meeting", button="Schedule", on_valid=save
    )


@require_http_methods(["GET", "POST"])
@login_required
def item_create(request, pk):
    meeting = _meeting(request, pk, permissions.EDIT_GOVERNANCE)
    form = forms.ItemForm(request.POST or None, request.FILES or None, meeting=meeting)

    def save(data):
        report = data["report"]
        item = services.item_add(
            meeting=meeting,
            title=data["title"],
            presenter=data["presenter"],
            summary=data["summary"],
            concerns=[data["concerns"]] if data["concerns"] else [],
            reports=[(data["report_title"], report)] if report else [],
            user=request.user,
        )
        return f"Item {item.number} added to the agenda."

    return _form_page(
        request,
        form,
        meeting=meeting,
        heading="Add an agenda item",
        button="Add item",
        on_valid=save,
    )


@require_http_methods(["GET", "POST"])
@login_required
def attendance_add(request, pk):
    meeting = _meeting(request, pk, permissions.EDIT_GOVERNANCE)
    form = forms.AttendanceForm(request.POST or None)

    def save(data):
        services.attendance_record(meeting=meeting, user=request.user, **data)
        return f"Attendance of {data['name']} recorded."

    return _form_page(
        request,
        form,
        meeting=meeting,
        heading="Record attendance",
        button="Record",
        on_valid=save,
    )


@require_http_methods(["GET", "POST"])
@login_required
def declaration_add(request, pk):
    meeting = _meeting(request, pk, permissions.EDIT_GOVERNANCE)
    form = forms.DeclarationForm(request.POST or None, meeting=meeting)

    def save(data):
        services.declaration_record(meeting=meeting, user=request.user, **data)
        return "Declaration of interest recorded."

    return _form_page(
        request,
        form,
        meeting=meeting,
        heading="Record a declaration of interest",
        button="Record",
        on_valid=save,
    )


@require_http_methods(["GET", "POST"])
@login_required
def minute_add(request, pk, item_pk):
    meeting = _meeting(request, pk, permissions.EDIT_GOVERNANCE)
    item = _item(meeting, item_pk)
    form = forms.MinuteForm(request.POST or None)

    def save(data):
        point = services.minute_add(item=item, text=data["text"], user=request.user)
        return f"Point ({point.numeral}) added to the minutes of item {item.number}."

    return _form_page(
        request,
        form,
        meeting=meeting,
        heading=f"Minute item {item.number}: {item.title}",
        button="Add point",
        on_valid=save,
    )


def _meeting_to_decide(request, pk) -> Meeting:
    meeting = _meeting(request, pk)
    permissions.check_decide(request.user, meeting.board)
    return meeting


@require_http_methods(["GET", "POST"])
@login_required
def decision_add(request, pk, item_pk):
    """Record a resolution of an item; with what it approves or ratifies, in one
    transaction: a refused approval records nothing (governance/approvals.py)."""
    meeting = _meeting_to_decide(request, pk)
    item = _item(meeting, item_pk)
    form = forms.DecisionForm(request.POST or None, item=item)

    def save(data):
        decision = services.decision_record(
            item=item,
            kind=data["kind"],
            text=data["text"],
            approves=data["approves"],
            ratifies=data["ratifies"],
            user=request.user,
        )
        if data["approves"] is not None:
            return f"Resolution ({decision.letter}) recorded; it approves {data['approves']}."
        if data["ratifies"] is not None:
            return (
                f"Resolution ({decision.letter}) recorded; it ratifies the approval of "
                f"{data['ratifies']} made under delegation."
            )
        return f"Resolution ({decision.letter}) recorded."

    return _form_page(
        request,
        form,
        meeting=meeting,
        heading=f"Record a decision on item {item.number}",
        button="Record decision",
        on_valid=save,
    )


@require_http_methods(["GET", "POST"])
@login_required
def approval_add(request, pk, decision_pk):
    meeting = _meeting_to_decide(request, pk)
    decision = next(
        (d for i in meeting.items.all() for d in i.decisions.all() if d.pk == decision_pk), None
    )
    if decision is None:
        raise Http404("No such decision in this meeting.")
    form = forms.ApprovalForm(request.POST or None, item=decision.item)

    def save(data):
        services.approval_record(decision=decision, obj=data["approves"], user=request.user)
        return f"Recorded that resolution ({decision.letter}) approved {data['approves']}."

    return _form_page(
        request,
        form,
        meeting=meeting,
        heading=f"Record what resolution ({decision.letter}) approved",
        button="Record approval",
        on_valid=save,
    )


@require_POST
@login_required
def plan_submit(request, pk):
    """Mark a plan version submitted to NHS England; the service refuses an unapproved one."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    permissions.check_in_area(request.user, permissions.RECORD_DECISIONS, plan.area_id)
    try:
        services.plan_submit(plan=plan, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Plan version marked as submitted to NHS England.")
    return redirect(reverse("plans:plan_detail", kwargs={"pk": plan.pk}))


@login_required
def meeting_history(request, pk):
    """Who changed the meeting, its agenda, minutes, decisions, attendance and actions, and
    how (deleted records too, found through the history tables)."""
    meeting = permissions.get_in_area(request.user, Meeting.objects.select_related("board"), pk)
    item_titles = dict(
        AgendaItem.history.filter(meeting_id=meeting.pk)
        .order_by("history_date")
        .values_list("id", "title")
    )

    def of_item(kind):
        return lambda row: f"{kind} under “{item_titles.get(row.item_id, '?')}”"

    entries = (
        entries_for(Meeting.history.filter(id=meeting.pk), describe=lambda row: "Meeting")
        + entries_for(
            AgendaItem.history.filter(meeting_id=meeting.pk),
            describe=lambda row: f"Agenda item “{row.title}”",
        )
        + entries_for(
            MinutePoint.history.filter(item_id__in=list(item_titles)), describe=of_item("Minute")
        )
        + entries_for(
            Decision.history.filter(item_id__in=list(item_titles)), describe=of_item("Decision")
        )
        + entries_for(
            Attendance.history.filter(meeting_id=meeting.pk), describe=lambda row: "Attendance"
        )
        + entries_for(
            DeclarationOfInterest.history.filter(meeting_id=meeting.pk),
            describe=lambda row: "Declaration of interest",
        )
        + entries_for(
            Action.history.filter(meeting_id=meeting.pk),
            describe=lambda row: f"Action “{row.description[:60]}”",
        )
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return render(
        request,
        "governance/history.html",
        {"meeting": meeting, "board": meeting.board, "entries": entries},
    )
