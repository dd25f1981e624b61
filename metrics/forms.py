import re

from django import forms

from metrics import calculations, periods
from metrics.models import Actual
from plans.forms import NhsForm

_INPUT = {"class": "nhsuk-input nhsuk-input--width-10", "inputmode": "decimal"}
_NUMBER_ERRORS = {"invalid": "Enter a number, like 606.4.", "min_value": "It cannot be negative."}


_GROUPED = re.compile(r"\s*\d{1,3}(,\d{3})+(\.\d+)?\s*")


class FigureField(forms.DecimalField):
    """A figure as people write it: 24,100 (thousands grouped by commas) is 24100."""

    def to_python(self, value):
        if isinstance(value, str) and _GROUPED.fullmatch(value):
            value = value.replace(",", "")
        return super().to_python(value)


def _number(label: str, help_text: str = "") -> forms.DecimalField:
    return FigureField(
        label=label,
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=4,
        help_text=help_text,
        widget=forms.TextInput(attrs=_INPUT),
        error_messages=_NUMBER_ERRORS,
    )


# The labels of the counts' fields, by the names metrics.calculations.count_names gives.
COUNT_LABELS = {
    "numerator": "Numerator (count)",
    "population": "Population (denominator)",
    "denominator": "Denominator (count)",
    "count": "Count",
    "total days": "Total days (numerator)",
    "number of cases": "Number of cases (denominator)",
}

DENOMINATOR_HELP = {
    calculations.PER_100K_YEAR: "The population the rate is per.",
    calculations.PER_100K_MONTH: "The population the rate is per.",
    calculations.PERCENTAGE: "The number the percentage is of.",
    calculations.DAYS: "The number of cases the days are spread over.",
}


class FigureForm(NhsForm):
    """A value for one period: the value itself, or numerator and population."""

    granularity = forms.ChoiceField(
        label="Kind of period",
        choices=periods.Granularity.choices,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    period = forms.CharField(
        label="Period",
        max_length=40,
        help_text="A month (April 2016), a quarter (2016/17 Q1), a financial year (2016/17), "
        "or for a year to date or “by” a date, its last day (31/12/2014).",
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-20"}),
    )
    value = _number("Value", "In the metric's unit. Leave empty to compute it from the counts.")
    numerator = _number("Numerator (count)", "The number of people or events in the period.")
    denominator = _number("Population (denominator)", "The population the rate is per.")
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 2})
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, metric, record=None, **kwargs):
        self.metric = metric
        if record is not None:
            kwargs.setdefault("initial", initial_for(record))
        super().__init__(*args, **kwargs)
        self.fields["value"].label = f"Value, {metric.get_unit_display().lower()}"
        # The counts a value may be entered as, named as the unit names them; a count is its
        # own value and an age-standardised rate has no counts to enter.
        self.counts = calculations.counts_wording(metric.unit)
        numerator, denominator = calculations.count_names(metric.unit)
        if numerator is None:
            del self.fields["numerator"]
            self.fields["value"].help_text = "In the metric's unit, as published."
        else:
            self.fields["numerator"].label = COUNT_LABELS[numerator]
            self.fields[
                "value"
            ].help_text = f"In the metric's unit. Leave empty to compute it from {self.counts}."
        if denominator is None:
            del self.fields["denominator"]
        else:
            self.fields["denominator"].label = COUNT_LABELS[denominator]
            self.fields["denominator"].help_text = DENOMINATOR_HELP.get(
                metric.unit, "What the value is per."
            )

    def clean(self):
        data = super().clean()
        granularity = data.get("granularity")
        if granularity and data.get("period"):
            try:
                data["start"], data["end"] = periods.parse(granularity, data["period"])
            except ValueError as error:
                self.add_error("period", str(error))
        entered = [data.get(n) is not None for n in ("value", "numerator", "denominator")]
        if entered == [True, True, True]:
            self.add_error("value", f"Enter the value, or {self.counts}, not both.")
        elif not entered[0] and not entered[1]:
            self.add_error(
                "value",
                f"Enter the value, or {self.counts}." if self.counts else "Enter the value.",
            )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "granularity": data["granularity"],
            "start": data["start"],
            "end": data["end"],
            "value": data.get("value"),
            "numerator": data.get("numerator"),
            "denominator": data.get("denominator"),
            "note": data.get("note", ""),
        }


def initial_for(record) -> dict:
    counts = record.entered_as == record.EnteredAs.COUNTS
    initial = {
        "granularity": record.granularity,
        "period": periods.as_typed(record.granularity, record.start, record.end),
        "value": None if counts else record.value,
        "numerator": record.numerator if counts else None,
        "denominator": record.denominator,
        "note": record.note,
        "lock_version": record.lock_version,
    }
    if isinstance(record, Actual):
        initial.update(stage=record.stage, source=record.source)
    return initial


class ActualForm(FigureForm):
    stage = forms.ChoiceField(
        label="Provisional or final",
        choices=Actual.Stage.choices,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    source = forms.CharField(
        required=False,
        max_length=250,
        help_text="Where the figure comes from, e.g. ASCOF return, SUS, GP Patient Survey.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input"}),
    )

    def service_kwargs(self) -> dict:
        return {
            **super().service_kwargs(),
            "stage": self.cleaned_data["stage"],
            "source": self.cleaned_data.get("source", ""),
        }


class SpcRebaseForm(NhsForm):
    """Recalculate the SPC limits from a chosen point of the charted series, with a reason."""

    actual = forms.TypedChoiceField(
        label="First point of the new limits",
        coerce=int,
        help_text="The mean and process limits are calculated again from this point on.",
        error_messages={
            "required": "Choose the first point of the new limits.",
            "invalid_choice": "Choose one of the points listed.",
        },
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    reason = forms.CharField(
        label="Why the process changed from this point",
        max_length=2000,
        help_text="Making Data Count recalculates limits only for a sustained change whose "
        "cause is understood (a new service, a change of definition), never for a single "
        "unusual point.",
        error_messages={"required": "Say why the process changed from this point."},
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3}),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actual"].choices = [("", "Choose a point"), *choices]


class SpcRebaseWithdrawForm(NhsForm):
    reason = forms.CharField(
        label="Why the limits should run on over this point again",
        max_length=2000,
        error_messages={"required": "Say why the recalculation is withdrawn."},
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3}),
    )
