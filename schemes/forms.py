from decimal import Decimal

from django import forms

from metrics.models import MetricDefinition
from plans.forms import MoneyField, NhsForm
from plans.periods import FinancialYear
from schemes.models import Scheme

_INPUT = {"class": "nhsuk-input"}


class SchemeForm(NhsForm):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_INPUT))
    theme = forms.ModelChoiceField(
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
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = plan.themes.order_by("order", "name")

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


BudgetFormSet = forms.formset_factory(BudgetForm, formset=BaseBudgetFormSet, extra=1)


def budget_initial(plan, scheme=None) -> list[dict]:
    """One row per plan year, filled with the scheme's budgets where it has them."""
    amounts = {b.year: b.amount for b in scheme.budgets.all()} if scheme else {}
    years = sorted({y.start_year for y in plan.years} | set(amounts))
    return [{"year": FinancialYear(y).label, "amount": amounts.get(y)} for y in years]


class SchemeImportForm(NhsForm):
    file = forms.FileField(
        label="Spreadsheet (.csv or .xlsx)",
        help_text="The same columns as the schemes download: Scheme, Theme, New or existing, "
        "Protection of services, one column per financial year in pounds, Metrics.",
        widget=forms.ClearableFileInput(
            attrs={"class": "nhsuk-file-upload", "accept": ".csv,.xlsx"}
        ),
    )
