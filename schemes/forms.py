from decimal import Decimal

from django import forms
from django.urls import reverse

from metrics.models import MetricDefinition
from plans.forms import MoneyField, NhsForm
from plans.models import FundingStream
from plans.money import MoneyError, format_money_input, parse_money
from plans.periods import FinancialYear
from schemes.models import AreaOfSpend, Scheme, SchemeSubType, SchemeType
from schemes.selectors import scheme_catalogue
from schemes.services import SCHEME_DETAILS

_INPUT = {"class": "nhsuk-input"}


class SchemeForm(NhsForm):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_INPUT))
    theme: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, widget=forms.Select(attrs={"class": "nhsuk-select"})
    )
    status = forms.ChoiceField(
        label="New or existing",
        choices=Scheme.Status.choices,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    protection = forms.ChoiceField(
        label="Protection of services",
        choices=Scheme.Protection.choices,
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    metrics = forms.ModelMultipleChoiceField(
        label="Metrics it is expected to move",
        queryset=MetricDefinition.objects.order_by("number", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    no_metric_reason = forms.CharField(
        label="If it moves none of them, why",
        required=False,
        max_length=250,
        widget=forms.TextInput(attrs=_INPUT),
    )
    # What NHS England's expenditure plan asks of each scheme (the Part 2 template).
    reference = forms.CharField(
        label="Scheme ID",
        required=False,
        max_length=30,
        help_text="The plan's own reference, for example BCF01.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-10"}),
    )
    description = forms.CharField(
        label="Brief description",
        required=False,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3}),
    )
    scheme_type = forms.ModelChoiceField(
        label="Scheme type",
        queryset=SchemeType.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    sub_type = forms.ModelChoiceField(
        label="Sub type",
        queryset=SchemeSubType.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    area_of_spend = forms.ModelChoiceField(
        label="Area of spend",
        queryset=AreaOfSpend.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    commissioner = forms.ChoiceField(
        choices=[("", "Not stated"), *Scheme.Commissioner.choices],
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    nhs_share_percent = forms.DecimalField(
        label="% NHS, if jointly commissioned",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-4", "inputmode": "decimal"}
        ),
        error_messages={
            "invalid": "Enter a percentage from 0 to 100, like 40.",
            "min_value": "Enter a percentage from 0 to 100, like 40.",
            "max_value": "Enter a percentage from 0 to 100, like 40.",
        },
    )
    provider = forms.CharField(required=False, max_length=200, widget=forms.TextInput(attrs=_INPUT))
    source_of_funding = forms.CharField(
        required=False, max_length=200, widget=forms.TextInput(attrs=_INPUT)
    )
    funding_stream: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Funding stream",
        queryset=FundingStream.objects.none(),
        required=False,
        empty_label="Not assigned to a stream",
        help_text="The stream of the plan's framework its budget comes from: the plan's "
        "Funding streams page adds up each stream's schemes and works out the ring-fences.",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    paid_to_housing_authority = forms.BooleanField(
        label="Paid to a housing authority (district or borough council)",
        required=False,
        help_text="As a two-tier area passes the Disabled Facilities Grant to its districts.",
        widget=forms.CheckboxInput(attrs={"class": "nhsuk-checkboxes__input"}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    PART2_FIELDS = SCHEME_DETAILS
    # What the plan's funding streams page reads of a scheme.
    FUNDING_FIELDS = ("funding_stream", "paid_to_housing_authority")

    def __init__(self, *args, plan, scheme=None, **kwargs):
        self.plan = plan
        self.scheme = scheme
        if scheme is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": scheme.name,
                    "theme": scheme.theme_id,
                    "status": scheme.status,
                    "protection": scheme.protection,
                    "metrics": list(scheme.metrics.all()),
                    "lock_version": scheme.lock_version,
                    **{name: getattr(scheme, name) for name in self.PART2_FIELDS},
                    **{name: getattr(scheme, name) for name in self.FUNDING_FIELDS},
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = plan.themes.order_by("order", "name")
        self.fields["funding_stream"].queryset = FundingStream.objects.filter(
            framework_id=plan.framework_id, within__isnull=True
        )
        catalogue = scheme_catalogue(plan=plan)
        self.catalogue = catalogue
        self.fields["scheme_type"].queryset = catalogue.types
        self.fields["area_of_spend"].queryset = catalogue.areas
        self.fields["sub_type"].queryset = catalogue.sub_types
        # Without script every sub type is offered, under its type; with script, the
        # list follows the chosen type (schemes:sub_type_options).
        self.fields["sub_type"].choices = [("", "---------"), *catalogue.grouped_sub_types()]
        self.fields["scheme_type"].widget.attrs.update(
            {
                "hx-get": reverse("schemes:sub_type_options", args=[plan.pk]),
                "hx-target": "#id_sub_type",
                "hx-trigger": "change",
            }
        )
        for name in ("scheme_type", "area_of_spend"):
            if catalogue.source:
                self.fields[name].help_text = f"{catalogue.year.label} list: {catalogue.source}."
            elif not self.fields[name].queryset:
                self.fields[
                    name
                ].help_text = f"No list for {catalogue.year.label} yet: an administrator adds it."

    def clean(self):
        data = super().clean()
        kind, sub_type = data.get("scheme_type"), data.get("sub_type")
        if sub_type is not None and (kind is None or sub_type.scheme_type_id != kind.pk):
            self.add_error("sub_type", "Choose a sub type of the scheme type chosen.")
        if data.get("commissioner") != Scheme.Commissioner.JOINT and data.get(
            "nhs_share_percent"
        ) not in (None, ""):
            self.add_error(
                "nhs_share_percent", "Give the NHS share only for a jointly commissioned scheme."
            )
        return data

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Scheme.objects.filter(plan=self.plan, name__iexact=name)
        if self.scheme is not None:
            clash = clash.exclude(pk=self.scheme.pk)
        if clash.exists():
            raise forms.ValidationError("This plan already has a scheme with this name.")
        return name


class BudgetForm(NhsForm):
    """One year's budget of a scheme, in pounds."""

    year = forms.CharField(
        label="Financial year",
        required=False,
        max_length=9,
        widget=forms.TextInput(attrs={**_INPUT, "class": "nhsuk-input nhsuk-input--width-5"}),
        help_text="For example, 2014/15",
    )
    amount = MoneyField(label="Amount (£)", required=False)
    # The amount as the page showed it, so a change made meanwhile elsewhere (the budget
    # grid) is refused rather than overwritten.
    was = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        # Name the year in the amount's label, so an error about it says which row it is.
        year = (self.data.get(self.add_prefix("year")) if self.is_bound else None) or (
            self.initial.get("year")
        )
        if year:
            self.fields["amount"].label = f"Amount for {year.strip()} (£)"

    def clean_year(self):
        label = self.cleaned_data["year"].strip()
        if not label:
            return None
        try:
            year = FinancialYear.parse(label)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        if not self.plan.covers(year.start_year):
            raise forms.ValidationError(
                f"{year.label} is outside this plan, which covers {self.plan.years_label}."
            )
        return year

    def clean(self):
        data = super().clean()
        if data.get("amount") is not None and not data.get("year") and "year" not in self.errors:
            self.add_error("year", "Enter the financial year of this amount.")
        return data


class BaseBudgetFormSet(forms.BaseFormSet):
    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "plan": self.plan}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), plan=self.plan)
        self.add_fields(form, None)
        return form

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            year = form.cleaned_data.get("year")
            if year is None:
                continue
            if year in seen:
                form.add_error("year", f"{year.label} is entered twice.")
            seen.add(year)

    def budgets(self, existing_years=()) -> dict[int, Decimal | None]:
        """Year → amount; a year with no amount, or no longer listed, loses its budget."""
        result: dict[int, Decimal | None] = dict.fromkeys(existing_years)
        for form in self.forms:
            year = form.cleaned_data.get("year")
            if year is not None:
                result[year.start_year] = form.cleaned_data.get("amount")
        return result

    def shown(self, stored: dict[int, Decimal]) -> dict[int, Decimal | None]:
        """Year → the amount the page showed (years no longer listed: as stored now)."""
        result: dict[int, Decimal | None] = dict(stored)
        for form in self.forms:
            year = form.cleaned_data.get("year")
            if year is not None:
                try:
                    result[year.start_year] = parse_money(form.cleaned_data.get("was"))
                except MoneyError:
                    result[year.start_year] = None
        return result


BudgetFormSet = forms.formset_factory(BudgetForm, formset=BaseBudgetFormSet, extra=1)


def budget_initial(plan, scheme=None) -> list[dict]:
    """One row per plan year, filled with the scheme's budgets where it has them."""
    amounts = {b.year: b.amount for b in scheme.budgets.all()} if scheme else {}
    years = sorted({y.start_year for y in plan.years} | set(amounts))
    return [
        {
            "year": FinancialYear(y).label,
            "amount": amounts.get(y),
            "was": format_money_input(amounts.get(y)),
        }
        for y in years
    ]
