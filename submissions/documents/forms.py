from django import forms

from plans.forms import NhsForm
from plans.models import Plan


class RollForwardForm(NhsForm):
    version_kind = forms.ChoiceField(
        label="New version",
        choices=Plan.VersionKind.choices,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    version_date = forms.DateField(
        label="Version date",
        help_text="For example, 4/4/2014 or 2014-04-04.",
        widget=forms.DateInput(attrs={"class": "nhsuk-input nhsuk-input--width-10"}),
    )
    years_ahead = forms.TypedChoiceField(
        label="Years",
        coerce=int,
        choices=[(0, "The same financial years"), (1, "One year on (a refresh for next year)")],
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
