import datetime
from collections.abc import Mapping
from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator

from plans import money
from plans.models import NarrativeSection

_ERROR_MODIFIERS = {
    "nhsuk-input": "nhsuk-input--error",
    "nhsuk-select": "nhsuk-select--error",
    "nhsuk-textarea": "nhsuk-textarea--error",
}


# How a date is typed, one rule for every form: as people in England write it (3 April 2014,
# 3 Apr 2014, 03/04/2014, 3/4/14) or as a computer does (2014-04-03); shown back as written
# on the pages (3 April 2014).
DATE_INPUT_FORMATS = ("%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d")
DATE_EXAMPLE = "3 April 2014"


def date_field(
    label: str, *, required: bool = True, example: str = DATE_EXAMPLE, hint: str = "", **kwargs
) -> forms.DateField:
    """A date typed as people in England write it. `example`: a date of the field's own
    kind for the hint; `hint`: what else the hint says (after the example)."""
    help_text = f"For example, {example} or {_numeric(example)}."
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        help_text=f"{help_text} {hint}".strip(),
        widget=forms.DateInput(
            format="%-d %B %Y", attrs={"class": "nhsuk-input nhsuk-input--width-10"}
        ),
        error_messages={"invalid": f"Enter a real date, like {example}."},
        **kwargs,
    )


def _numeric(example: str) -> str:
    return datetime.datetime.strptime(example, "%d %B %Y").strftime("%d/%m/%Y")


def refusal_on_form(
    form: forms.BaseForm,
    refusal: ValidationError | PermissionDenied,
    *,
    field: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> None:
    """Put a service's refusal on the form, so that nothing typed is lost. The one way every
    page and the administration site do it.

    A refusal naming fields (`ValidationError({"name": …})`) goes beside each field the form
    has, the rest at the top of the form; `aliases` names the form's field for a field of
    the service (a figure's "start" and "end" are the form's "period"). A refusal naming no
    field goes beside `field` when given, else at the top; so does a PermissionDenied (a
    plan that no longer changes: `plans.permissions.Frozen`). A form shown afresh (not
    bound to what was sent: removing a record refused) takes the refusal too."""
    if not hasattr(form, "cleaned_data"):
        form.errors  # noqa: B018 (cleans a bound form; an unbound one has no cleaned data)
        form.cleaned_data = getattr(form, "cleaned_data", {})
    if isinstance(refusal, PermissionDenied):
        form.add_error(field, str(refusal))
    elif not hasattr(refusal, "error_dict"):
        form.add_error(field, refusal)
    else:
        for name, errors in refusal.error_dict.items():
            name = (aliases or {}).get(name, name)
            form.add_error(name if name in form.fields else None, errors)


class NhsForm(forms.Form):
    """A form whose fields in error carry the NHS.UK error style on the control itself."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            classes = widget.attrs.get("class", "").split()
            classes += [error for base, error in _ERROR_MODIFIERS.items() if base in classes]
            widget.attrs["class"] = " ".join(dict.fromkeys(classes))


class Select(forms.Select):
    """Django's select, the same HTML from one template (plans/widgets/select.html) rather
    than two included templates for every option: a page of filters renders dozens fewer."""

    template_name = "plans/widgets/select.html"


class SectionForm(NhsForm):
    body = forms.CharField(
        label="Text",
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 24}),
        help_text="Markdown: a blank line between paragraphs, “## ” for a heading, “- ” for "
        "bullets, “1. ” for numbered steps, “|” for tables, [words](https://…) for links.",
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, section: NarrativeSection, **kwargs):
        kwargs.setdefault("initial", {"body": section.body, "lock_version": section.lock_version})
        super().__init__(*args, **kwargs)
        self.fields["body"].label = section.title


_TEXT = {"class": "nhsuk-input"}


class MoneyField(forms.Field):
    """An amount in pounds typed as people type it ("£1,234", "(1,234)", "-" for none:
    plans/money.py), never negative unless `allow_negative`; shown back as £1,234."""

    widget = forms.TextInput

    def __init__(
        self,
        *,
        label: str,
        required: bool = True,
        width: int = 10,
        allow_negative: bool = False,
        **kwargs,
    ):
        self.allow_negative = allow_negative
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "class": f"nhsuk-input nhsuk-input--width-{width}",
                    "inputmode": "decimal",
                    "autocomplete": "off",
                    "spellcheck": "false",
                }
            ),
        )
        super().__init__(label=label, required=required, **kwargs)

    def prepare_value(self, value):
        """A stored amount is shown as £1,234; text a person typed is shown as typed."""
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return money.format_money_input(value)
        return value

    def to_python(self, value):
        try:
            return money.parse_money(value, allow_negative=self.allow_negative)
        except money.MoneyError as error:
            raise forms.ValidationError(str(error), code="invalid") from error

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial) != self.to_python(data)
        except forms.ValidationError:
            return True


class PlanDetailsForm(NhsForm):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_TEXT))
    boundary_differences = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 4})
    )
    dates_agreed = forms.CharField(
        label="Dates agreed at Health and Wellbeing Board",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=_TEXT),
    )
    dates_submitted = forms.CharField(
        required=False, max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class PlanYearForm(NhsForm):
    """The pooled budget of one financial year, in pounds."""

    minimum_required = MoneyField(label="Minimum required value (£)")
    agreed_total = MoneyField(label="Total agreed value (£)")
    protected_social_care_stated = MoneyField(
        label="Protection of adult social care as stated (£)", required=False
    )


def plan_year_forms(plan, data=None) -> list[tuple[object, PlanYearForm]]:
    """One pooled-budget form per year of the plan, prefixed by the year."""
    stored = {py.year: py for py in plan.plan_years.all()}
    forms_by_year = []
    for year in plan.years:
        current = stored.get(year.start_year)
        initial = (
            {
                "minimum_required": current.minimum_required,
                "agreed_total": current.agreed_total,
                "protected_social_care_stated": current.protected_social_care_stated,
            }
            if current
            else {}
        )
        forms_by_year.append(
            (year, PlanYearForm(data, prefix=f"year-{year.start_year}", initial=initial))
        )
    return forms_by_year


class SignInForm(AuthenticationForm):
    """Django's sign-in with the NHS.UK inputs: the user name and password boxes styled and
    sized as the design system's, with the autocomplete hints password managers read."""

    # Longer than any user name or password anyone types: refused as a wrong sign-in before
    # anything is looked up or recorded (the lockout records keep at most 255 characters).
    MAX_USERNAME, MAX_PASSWORD = 150, 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets the user name's max_length after the field is made, so
        # its validator is missing: add it (and one for the password).
        self.fields["username"].validators.append(MaxLengthValidator(self.MAX_USERNAME))
        self.fields["password"].validators.append(MaxLengthValidator(self.MAX_PASSWORD))
        self.fields["username"].widget.attrs.update(
            {"class": "nhsuk-input nhsuk-input--width-20", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update(
            {"class": "nhsuk-input nhsuk-input--width-20", "autocomplete": "current-password"}
        )

    def full_clean(self):
        super().full_clean()
        if self.errors:  # a failed sign-in marks both boxes, as the summary names no one field
            for name in ("username", "password"):
                self.fields[name].widget.attrs["class"] += " nhsuk-input--error"
