from django import forms

from plans.forms import NhsForm, date_field
from plans.models import Plan


class RollForwardForm(NhsForm):
    version_kind = forms.ChoiceField(
        label="New version",
        choices=Plan.VersionKind.choices,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    version_date = date_field("Version date", example="4 April 2014")
    years_ahead = forms.TypedChoiceField(
        label="Years",
        coerce=int,
        choices=[(0, "The same financial years"), (1, "One year on (a refresh for next year)")],
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
