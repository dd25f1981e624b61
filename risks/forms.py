from django import forms

from plans.forms import MoneyField, NhsForm, date_field
from plans.periods import FinancialYear
from risks import calculations
from risks.models import Fund, Risk, RiskRegister, Scale

_INPUT = {"class": "nhsuk-input"}
_SHORT = {"class": "nhsuk-input nhsuk-input--width-10"}
_SELECT = {"class": "nhsuk-select"}


def _text(label, *, rows=3, required=False, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": rows}),
    )


def _short(label, *, max_length=100, help_text="", required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs=_SHORT),
    )


def _date(label, *, required=False):
    return date_field(label, required=required, example="31 March 2017")


def scale_hint(scale: str) -> str:
    if scale == Scale.NHS_5X5:
        return (
            "NHS 5×5 matrix: likelihood and impact 1 (rare, negligible) to 5 (almost certain, "
            "catastrophic); a rating left empty is likelihood × impact."
        )
    return "Three levels, as written: L, M or H; anything else (such as “M/H?”) is kept as written."


class RegisterForm(NhsForm):
    scale = forms.ChoiceField(
        choices=Scale.choices, initial=Scale.NHS_5X5, widget=forms.Select(attrs=_SELECT)
    )
    new_categories = _text(
        "Add categories", rows=3, help_text="One per line, e.g. “Risks to plan delivery”."
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, register: RiskRegister | None = None, **kwargs):
        if register is not None:
            kwargs.setdefault(
                "initial", {"scale": register.scale, "lock_version": register.lock_version}
            )
        super().__init__(*args, **kwargs)

    def clean_new_categories(self):
        lines = [line.strip() for line in self.cleaned_data["new_categories"].splitlines()]
        return list(dict.fromkeys(line for line in lines if line))


class _ScaledForm(NhsForm):
    """Ratings as written; on the 5×5 matrix, levels must be 1–5 (or the NPSA words)."""

    LEVEL_FIELDS: tuple[tuple[str, bool], ...] = ()
    RATING_FIELDS: tuple[str, ...] = ()

    def __init__(self, *args, scale: str, **kwargs):
        self.scale = scale
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.scale != Scale.NHS_5X5:
            return data
        for name, consequence in self.LEVEL_FIELDS:
            value = data.get(name)
            if (
                value
                and calculations.parse_level(self.scale, value, consequence=consequence) is None
            ):
                self.add_error(name, "Enter a number from 1 to 5.")
        for name in self.RATING_FIELDS:
            value = data.get(name)
            if value and calculations.parse_rating(self.scale, value) is None:
                self.add_error(name, "Enter a score from 1 to 25, or leave it empty.")
        return data


class RiskForm(_ScaledForm):
    LEVEL_FIELDS = (
        ("likelihood", False),
        ("impact", True),
        ("likelihood_after", False),
        ("impact_after", True),
    )
    RATING_FIELDS = ("rating_before", "rating_after")

    category = forms.ModelChoiceField(queryset=None, widget=forms.Select(attrs=_SELECT))
    description = _text("Description", required=True)
    potential_impact = _text("Potential impact")
    likelihood = _short("Likelihood")
    impact = _short("Impact")
    rating_before = _short("Rating before mitigation", max_length=200)
    mitigations = _text("Mitigations", rows=5)
    likelihood_after = _short("Likelihood after mitigation")
    impact_after = _short("Impact after mitigation")
    rating_after = _short("Rating after mitigation", max_length=200)
    owner = forms.CharField(required=False, max_length=200, widget=forms.TextInput(attrs=_INPUT))
    next_review = _date("Next review date")
    status = forms.ChoiceField(
        choices=Risk.Status.choices, initial=Risk.Status.OPEN, widget=forms.Select(attrs=_SELECT)
    )
    notes = _text("Notes")
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, register: RiskRegister, risk: Risk | None = None, **kwargs):
        if risk is not None:
            initial = {name: getattr(risk, name) for name in self.base_fields if name != "category"}
            initial["category"] = risk.category_id
            kwargs.setdefault("initial", initial)
        super().__init__(*args, scale=register.scale, **kwargs)
        self.fields["category"].queryset = register.categories.order_by("order", "name")
        hint = scale_hint(register.scale)
        self.fields["likelihood"].help_text = hint


class ReviewForm(_ScaledForm):
    LEVEL_FIELDS = (("likelihood", False), ("impact", True))
    RATING_FIELDS = ("rating",)

    reviewed_on = _date("Date of review", required=True)
    reviewer = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_INPUT))
    likelihood = _short("Likelihood now")
    impact = _short("Impact now")
    rating = _short("Rating now (after mitigation)", max_length=200)
    note = _text("Note")
    next_review = _date("Next review date")
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        reviewed_on, next_review = data.get("reviewed_on"), data.get("next_review")
        if reviewed_on and next_review and next_review < reviewed_on:
            self.add_error("next_review", "The next review cannot come before this one.")
        return data


class ScenarioForm(NhsForm):
    letter = forms.CharField(
        max_length=3, widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-2"})
    )
    title = _text("Scenario", required=True)
    trigger = _text("Trigger")
    borne_by = _text("Partners who bear it", rows=2)
    financial_consequence = _text("Modelled financial consequence")
    financial_amount = MoneyField(label="Modelled amount (£), when stated", required=False)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FundForm(NhsForm):
    kind = forms.ChoiceField(choices=Fund.Kind.choices, widget=forms.Select(attrs=_SELECT))
    year = forms.CharField(
        label="Financial year",
        max_length=9,
        help_text="For example, 2016/17",
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-5"}),
    )
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_INPUT))
    amount = MoneyField(label="Amount (£)")
    notes = _text("Notes")

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)

    def clean_year(self):
        try:
            year = FinancialYear.parse(self.cleaned_data["year"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        if not self.plan.covers(year.start_year):
            raise forms.ValidationError(
                f"{year.label} is outside this plan, which covers {self.plan.years_label}."
            )
        return year.start_year


class ReleaseForm(NhsForm):
    amount = MoneyField(label="Amount released (£)")
    released_on = _date("Date of release", required=True)
    released_to = forms.CharField(
        label="Released to", max_length=300, widget=forms.TextInput(attrs=_INPUT)
    )
    purpose = _text("Purpose")
    decision_reference = forms.CharField(
        label="Decision that approved it",
        max_length=300,
        help_text="e.g. Integration Executive, 23 May 2017, minute 5(b)",
        widget=forms.TextInput(attrs=_INPUT),
    )
