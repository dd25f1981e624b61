"""Output serializers of the read API: formatting only, no queries and no arithmetic.

The view chooses what to read (selectors, permissions); these turn it into JSON. Money is a
string of pounds with two decimal places ("18251000.00"), never a float; financial years are
labels such as "2014/15", written by `FinancialYear`.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from plans.models import MONEY, Plan
from schemes.models import Scheme, SchemeBudget


@extend_schema_field({"type": "string", "pattern": r"^\d{4}/\d{2}$", "example": "2014/15"})
class FinancialYearField(serializers.Field):
    """A `plans.periods.FinancialYear` as its label."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value.label


class MoneyField(serializers.DecimalField):
    """Pounds, as a decimal string with two places; negative when a figure is a shortfall."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=MONEY["max_digits"],
            decimal_places=MONEY["decimal_places"],
            coerce_to_string=True,
            read_only=True,
            **kwargs,
        )


class PlanSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.name", read_only=True)
    version = serializers.ChoiceField(
        source="version_kind", choices=Plan.VersionKind.choices, read_only=True
    )
    years = serializers.ListField(child=FinancialYearField(), read_only=True)
    version_label = serializers.CharField(
        read_only=True, help_text="Which version and its state: “Draft 2, not yet agreed”."
    )
    frozen = serializers.BooleanField(
        source="is_frozen", read_only=True, help_text="Agreed: it no longer changes."
    )
    illustrative = serializers.BooleanField(
        read_only=True,
        help_text="Sample data taken from no source: not to be added to real figures.",
    )
    framework = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The id of its policy framework (GET /api/frameworks/{id}/).",
    )
    content_in_sources = serializers.BooleanField(
        source="content_held",
        read_only=True,
        help_text="False for a version the sources name without giving its content: it holds "
        "its dates and the decisions on it, no schemes, budgets, metrics or narrative, and "
        "its other endpoints answer 404 saying so.",
    )
    content_not_in_sources = serializers.ListField(
        source="content_said",
        child=serializers.CharField(),
        read_only=True,
        help_text="For such a version, what the sources say of it, in their words, each with "
        "its line; empty otherwise.",
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "area",
            "title",
            "version",
            "version_label",
            "status",
            "frozen",
            "illustrative",
            "content_in_sources",
            "content_not_in_sources",
            "years",
            "framework",
        ]
        read_only_fields = fields


class ThemeTotalSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    total = MoneyField()


class BudgetYearSerializer(serializers.Serializer):
    """One financial year: the pooled budget as agreed against what its schemes add up to."""

    # Serializes a schemes.calculations.YearReconciliation.

    year = FinancialYearField()
    minimum_required = MoneyField(allow_null=True)
    agreed_total = MoneyField(allow_null=True)
    schemes_total = MoneyField(
        allow_null=True, help_text="Null when the source does not break the budget down."
    )
    unallocated = MoneyField(
        allow_null=True,
        help_text="Agreed total less the schemes' total; negative when over-allocated.",
    )
    protected_social_care = MoneyField(
        allow_null=True,
        help_text="Total of the schemes flagged as protecting adult social care; null when the "
        "source does not break the budget down.",
    )
    protected_social_care_stated = MoneyField(
        allow_null=True, help_text="Protection of adult social care as the plan states it."
    )
    themes = ThemeTotalSerializer(many=True, read_only=True)
    not_broken_down = serializers.CharField(
        read_only=True,
        help_text="When not empty, the source gives the pooled budget only as a total (its "
        "words): the schemes' total, unallocated and protected social care are not broken "
        "down in the source, and are null (never £0).",
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data.get("not_broken_down"):
            data["schemes_total"] = data["protected_social_care"] = None
        return data


class PlanDetailSerializer(PlanSerializer):
    """A plan with, for each of its financial years, its pooled budget against its schemes
    (null for a version whose content is not among the sources)."""

    # The view passes plan_budget_summary(plan=...) as context["budget"], so the figures
    # come from the selector the plan page uses.
    budget = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "budget"]
        read_only_fields = fields

    @extend_schema_field(BudgetYearSerializer(many=True, allow_null=True))
    def get_budget(self, plan):
        if self.context["budget"] is None:
            return None
        return BudgetYearSerializer(self.context["budget"], many=True).data


class SchemeBudgetSerializer(serializers.ModelSerializer):
    year = FinancialYearField(source="financial_year")
    amount = MoneyField()

    class Meta:
        model = SchemeBudget
        fields = ["year", "amount"]


class SchemeSerializer(serializers.ModelSerializer):
    theme = serializers.CharField(source="theme.name", read_only=True)
    status = serializers.CharField(
        source="status_label",
        read_only=True,
        help_text="As the plan writes it: one of "
        + ", ".join(map(str, Scheme.Status.labels))
        + ", or the source's own wording of one (“Existing & new”).",
    )
    source_conflict = serializers.CharField(
        read_only=True,
        help_text="When not empty, the source gives the scheme's money two ways: both, in its "
        "words.",
    )
    protects_social_care = serializers.BooleanField(
        read_only=True, help_text="A protection of services line protecting adult social care."
    )
    protects_nhs_services = serializers.BooleanField(
        read_only=True,
        help_text="A protection of services line for an NHS-commissioned out-of-hospital service.",
    )
    budgets = SchemeBudgetSerializer(many=True, read_only=True)
    metrics = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text="Codes of the metrics it moves."
    )

    class Meta:
        model = Scheme
        fields = [
            "id",
            "name",
            "theme",
            "status",
            "protects_social_care",
            "protects_nhs_services",
            "budgets",
            "metrics",
            "source_conflict",
        ]
        read_only_fields = fields


# Intermediate care capacity and demand (schemes/capacity/).


class CapacityMonthSerializer(serializers.Serializer):
    month = serializers.DateField(format="%Y-%m", help_text="The month, as 2025-04.")
    demand = serializers.IntegerField(allow_null=True, help_text="People expected.")
    capacity = serializers.IntegerField(allow_null=True, help_text="People planned for.")
    gap = serializers.IntegerField(
        allow_null=True, help_text="Capacity less demand; negative where demand is not met."
    )
    shortfall = serializers.BooleanField(help_text="Demand exceeds capacity.")


class CapacitySchemeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CapacityRowSerializer(serializers.Serializer):
    code = serializers.CharField(source="service_type.code")
    name = serializers.CharField(source="service_type.name")
    group = serializers.CharField(source="service_type.group")
    pathway = serializers.CharField(source="service_type.pathway")
    schemes = CapacitySchemeSerializer(many=True)
    months = CapacityMonthSerializer(many=True)


class CapacityDemandSerializer(serializers.Serializer):
    plan = serializers.IntegerField(source="plan.pk")
    version = serializers.CharField(source="plan.version_label")
    framework = serializers.CharField(source="plan.framework.name", allow_null=True)
    service_types = CapacityRowSerializer(many=True, source="rows")
    shortfalls = serializers.IntegerField(source="shortfall_count")
