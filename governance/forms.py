from django import forms

from governance.models import Attendance, Decision, Meeting
from plans.forms import NhsForm
from plans.models import Plan

_INPUT = {"class": "nhsuk-input"}
_SELECT = {"class": "nhsuk-select"}
_TEXTAREA = {"class": "nhsuk-textarea", "rows": 5}
_DATE_HINT = "For example, 2014-04-01"


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=_DATE_HINT,
        widget=forms.DateInput(attrs={"class": "nhsuk-input nhsuk-input--width-10"}),
        error_messages={"invalid": "Enter a real date, like 2014-04-01."},
        **kwargs,
    )


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


def _area_plans(area_id):
    return Plan.objects.filter(area_id=area_id).order_by("-first_year", "-version_date")


class ItemForm(NhsForm):
    title = forms.CharField(max_length=300, widget=forms.TextInput(attrs=_INPUT))
    presenter = forms.CharField(
        label="Presenting officer",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_INPUT),
    )
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs=_TEXTAREA))
    plan = forms.ModelChoiceField(
        label="Plan version it concerns (optional)",
        queryset=None,
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    report_title = forms.CharField(
        label="Report title (optional)",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=_INPUT),
    )
    report = forms.FileField(label="Report file (optional)", required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = _area_plans(meeting.area_id)


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
    approves = forms.ModelChoiceField(
        label="Plan version it approves (optional)",
        queryset=None,
        required=False,
        widget=forms.Select(attrs=_SELECT),
        help_text="The plan version becomes “Agreed by HWB”. An approval cannot be undone.",
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approves"].queryset = _area_plans(meeting.area_id)

    def clean(self):
        data = super().clean()
        if data.get("approves") and data.get("kind") not in Decision.APPROVING_KINDS:
            self.add_error("kind", "Only a decision to approve can approve a plan version.")
        return data


class ApprovalForm(NhsForm):
    plan = forms.ModelChoiceField(
        label="Plan version approved", queryset=None, widget=forms.Select(attrs=_SELECT)
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = _area_plans(meeting.area_id)


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
