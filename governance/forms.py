from django import forms

from governance.approvables import APPROVABLES, is_approvable, object_for, token_of
from governance.models import Attendance, Board, BoardMember, Decision, Meeting, Power
from governance.reports import ALLOWED, ALLOWED_LABEL, MAX_REPORT_BYTES, report_check
from plans.forms import NhsForm, date_field

_INPUT = {"class": "nhsuk-input"}
_SELECT = {"class": "nhsuk-select"}
_TEXTAREA = {"class": "nhsuk-textarea", "rows": 5}


def _date(label: str, **kwargs) -> forms.DateField:
    return date_field(label, example="1 April 2014", **kwargs)


class MeetingForm(NhsForm):
    date = _date("Date")
    time = forms.TimeField(
        required=False,
        help_text="For example, 14:00",
        widget=forms.TimeInput(attrs={"class": "nhsuk-input nhsuk-input--width-5"}),
    )
    venue = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs=_INPUT))
    title = forms.CharField(
        label="Title (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_INPUT),
        help_text="For example, Extraordinary meeting",
    )
    status = forms.ChoiceField(choices=Meeting.Status.choices, widget=forms.Select(attrs=_SELECT))


def concern_choices(area_id: int) -> list[tuple[str, str]]:
    """Everything of an area an agenda item may put to a meeting for decision: its plan
    versions, returns and fund releases (governance/approvables.py), as form tokens."""
    choices = [("", "Nothing to decide")]
    for approvable in APPROVABLES.values():
        for obj in approvable.candidates(area_id)[:200]:
            choices.append((token_of(obj), f"{approvable.noun.capitalize()}: {obj}"))
    return choices


def _linked(item) -> list:
    """What an agenda item concerns that a decision may approve (its links' objects)."""
    objects = []
    for link in item.links.all():
        obj = link.target
        if obj is not None and is_approvable(obj):
            objects.append(obj)
    return objects


class ItemForm(NhsForm):
    title = forms.CharField(max_length=300, widget=forms.TextInput(attrs=_INPUT))
    presenter = forms.CharField(
        label="Presenting officer",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_INPUT),
    )
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs=_TEXTAREA))
    concerns = forms.ChoiceField(
        label="What it puts to the meeting for decision (optional)",
        required=False,
        widget=forms.Select(attrs=_SELECT),
        help_text="A decision under this item can approve only what the item concerns.",
    )
    report_title = forms.CharField(
        label="Report title (optional)",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=_INPUT),
    )
    report = forms.FileField(
        label="Report file (optional)",
        required=False,
        help_text=f"A {ALLOWED_LABEL} file, at most {MAX_REPORT_BYTES // (1024 * 1024)} MB.",
        widget=forms.FileInput(attrs={"accept": ",".join(f".{e}" for e in ALLOWED)}),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["concerns"].choices = concern_choices(meeting.area_id)

    def clean_concerns(self):
        token = self.cleaned_data["concerns"]
        if not token:
            return None
        obj = object_for(token, area_id=self.meeting.area_id)
        if obj is None:
            raise forms.ValidationError("Choose something of this board's area.")
        return obj

    def clean_report(self):
        report = self.cleaned_data["report"]
        if report:
            report_check(report)
        return report


class AttendanceForm(NhsForm):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_INPUT))
    organisation = forms.CharField(
        max_length=200, required=False, widget=forms.TextInput(attrs=_INPUT)
    )
    status = forms.ChoiceField(
        choices=Attendance.Status.choices, widget=forms.Select(attrs=_SELECT)
    )


class DeclarationForm(NhsForm):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_INPUT))
    interest = forms.CharField(widget=forms.Textarea(attrs=_TEXTAREA))
    item = forms.ModelChoiceField(
        label="Agenda item (optional)",
        queryset=None,
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.order_by("number")


class MinuteForm(NhsForm):
    text = forms.CharField(
        label="Discussion point",
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text="It is numbered (i), (ii)… after the item's earlier points.",
    )


class DecisionForm(NhsForm):
    kind = forms.ChoiceField(
        label="Kind of decision", choices=Decision.Kind.choices, widget=forms.Select(attrs=_SELECT)
    )
    text = forms.CharField(
        label="Resolution",
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text="As minuted, for example “That the Better Care Fund Plan be approved”.",
    )
    approves = forms.ChoiceField(
        label="What it approves (optional)",
        required=False,
        widget=forms.Select(attrs=_SELECT),
        help_text="Only what this item concerns. A plan version becomes “Agreed by HWB”; a "
        "return is locked. An approval cannot be undone.",
    )
    ratifies = forms.ChoiceField(
        label="Approval under delegation it ratifies (optional)",
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        linked = _linked(item)
        self.objects = {token_of(obj): obj for obj in linked}
        self.fields["approves"].choices = [("", "Nothing")] + [
            (token_of(obj), str(obj)) for obj in linked
        ]
        self.fields["ratifies"].choices = [("", "Nothing")] + [
            (token_of(obj), str(obj)) for obj in linked
        ]

    def _object(self, name):
        token = self.cleaned_data.get(name)
        return self.objects.get(token) if token else None

    def clean(self):
        data = super().clean()
        data["approves"] = self._object("approves")
        data["ratifies"] = self._object("ratifies")
        kind = data.get("kind")
        if data["approves"] is not None and kind not in Decision.APPROVING_KINDS:
            self.add_error("kind", "Only a decision to approve or to release funds approves.")
        if data["ratifies"] is not None and kind != Decision.Kind.RATIFY:
            self.add_error("kind", "Only a decision to ratify ratifies an approval.")
        if kind == Decision.Kind.RATIFY and data["ratifies"] is None:
            self.add_error("ratifies", "Choose the approval under delegation it ratifies.")
        return data


class ApprovalForm(NhsForm):
    """What an approving decision already minuted approved: one of its item's objects."""

    approves = forms.ChoiceField(label="What it approved", widget=forms.Select(attrs=_SELECT))

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        linked = _linked(item)
        self.objects = {token_of(obj): obj for obj in linked}
        self.fields["approves"].choices = [(token_of(obj), str(obj)) for obj in linked]

    def clean_approves(self):
        return self.objects[self.cleaned_data["approves"]]


class DecideForm(NhsForm):
    """Record a board's decision on one object from its page: where it was decided (a
    meeting of a board with the power, and the item that put it, or a new item) and the
    resolution as minuted."""

    where = forms.ChoiceField(label="Meeting and agenda item", widget=forms.Select(attrs=_SELECT))
    text = forms.CharField(label="Resolution", widget=forms.Textarea(attrs=_TEXTAREA))

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {key: place for key, _, place in places}
        self.fields["where"].choices = [(key, label) for key, label, _ in places]

    def clean_where(self):
        return self.places[self.cleaned_data["where"]]


class DelegatedApprovalForm(NhsForm):
    text = forms.CharField(
        label="Your decision",
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text="As it will be reported to the board, for example “That the quarter four "
        "return be approved for submission to NHS England by 31 May”.",
    )
    reason = forms.CharField(
        label="Why it could not wait for the board",
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text="For example, NHS England's deadline falls before the board next meets.",
    )


class ActionForm(NhsForm):
    description = forms.CharField(widget=forms.Textarea(attrs=_TEXTAREA))
    owner = forms.ModelChoiceField(
        label="Owner (a user of this area)",
        queryset=None,
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    owner_name = forms.CharField(
        label="Or the owner's name",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_INPUT),
    )
    due_on = _date("Due date")
    item = forms.ModelChoiceField(
        label="Agenda item (optional)",
        queryset=None,
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args, meeting, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(area_memberships__area_id=meeting.area_id)
            .order_by("last_name", "first_name", "username")
        )
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["item"].queryset = meeting.items.order_by("number")

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not (data.get("owner_name") or "").strip():
            self.add_error("owner_name", "Choose an owner or type their name.")
        return data


# Setting up a board: the board, its terms of reference and powers, its members ------------


def _area_users(area_id: int):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(area_memberships__area_id=area_id, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def _user_label(user) -> str:
    return user.get_full_name() or user.username


class BoardForm(NhsForm):
    area = forms.ModelChoiceField(label="Area", queryset=None, widget=forms.Select(attrs=_SELECT))
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_INPUT))
    short_name = forms.CharField(
        label="Short name (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs=_INPUT),
    )
    purpose = forms.CharField(required=False, widget=forms.Textarea(attrs=_TEXTAREA))
    reports_to = forms.ModelChoiceField(
        label="Reports to (optional)",
        queryset=None,
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    frequency = forms.ChoiceField(
        label="Meets", choices=Board.Frequency.choices, widget=forms.Select(attrs=_SELECT)
    )
    established_on = _date("Established on (optional)", required=False)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["reports_to"].queryset = Board.objects.filter(area__in=areas).order_by(
            "area__name", "name"
        )

    def clean(self):
        data = super().clean()
        parent, area = data.get("reports_to"), data.get("area")
        if parent is not None and area is not None and parent.area_id != area.pk:
            self.add_error("reports_to", "Choose a board of the same area.")
        return data


class TermsForm(NhsForm):
    version = forms.CharField(
        max_length=40, widget=forms.TextInput(attrs=_INPUT), help_text="For example, May 2016"
    )
    text = forms.CharField(label="Terms of reference", widget=forms.Textarea(attrs=_TEXTAREA))
    approved_on = date_field(
        "Approved on",
        example="13 February 2014",
        hint="They are in force from this day until a later version.",
    )
    approved_by = forms.ModelChoiceField(
        label="Approved by (optional)",
        queryset=None,
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    powers = forms.MultipleChoiceField(
        label="What the board itself approves",
        choices=Power.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delegated = forms.MultipleChoiceField(
        label="What it delegates to a named officer (optional)",
        choices=Power.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Approvals under delegation await the board's ratification at a later meeting.",
    )
    delegate_post = forms.CharField(
        label="The officer's post",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_INPUT),
        help_text="For example, Director of Health and Care Integration",
    )
    delegate = forms.ModelChoiceField(
        label="Who holds it now (optional)",
        queryset=None,
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    conditions = forms.CharField(
        label="When the officer may use it (optional)",
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = Board.objects.filter(area_id=board.area_id)
        self.fields["delegate"].queryset = _area_users(board.area_id)
        self.fields["delegate"].label_from_instance = _user_label

    def clean(self):
        data = super().clean()
        if data.get("delegated") and not (data.get("delegate_post") or "").strip():
            self.add_error("delegate_post", "Name the post the terms delegate to.")
        return data


class MemberForm(NhsForm):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_INPUT))
    organisation = forms.CharField(
        max_length=200, required=False, widget=forms.TextInput(attrs=_INPUT)
    )
    role = forms.ChoiceField(choices=BoardMember.Role.choices, widget=forms.Select(attrs=_SELECT))
    member_user = forms.ModelChoiceField(
        label="Their account here (optional)",
        queryset=None,
        required=False,
        widget=forms.Select(attrs=_SELECT),
        help_text="A member with an account records the board's decisions.",
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_user"].queryset = _area_users(board.area_id)
        self.fields["member_user"].label_from_instance = _user_label
