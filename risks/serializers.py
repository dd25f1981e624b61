"""Output serializers of the risks API: formatting only, no queries and no arithmetic.

Money is a string of pounds with two decimal places ("1300000.00"); financial years are
labels such as "2016/17"; ratings are as the register writes them.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from plans.models import MONEY
from risks.models import Fund, FundRelease, Risk, Scale


class _Money(serializers.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(
            max_digits=MONEY["max_digits"],
            decimal_places=MONEY["decimal_places"],
            coerce_to_string=True,
            read_only=True,
            **kwargs,
        )


class RiskSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", read_only=True)
    scale = serializers.ChoiceField(
        source="register.scale",
        choices=Scale.choices,
        read_only=True,
        help_text="nhs_5x5: NHS 5×5 matrix; lmh: three levels L, M, H.",
    )
    likelihood = serializers.CharField(read_only=True, help_text="As written on the scale.")
    impact = serializers.CharField(read_only=True, help_text="As written on the scale.")
    rating_before = serializers.CharField(read_only=True, help_text="As written.")
    mitigations = serializers.CharField(read_only=True, help_text="What is done to reduce it.")
    likelihood_after = serializers.CharField(
        read_only=True, help_text="After mitigation, as written on the scale."
    )
    impact_after = serializers.CharField(
        read_only=True, help_text="After mitigation, as written on the scale."
    )
    rating_after = serializers.CharField(read_only=True, help_text="As written.")
    status = serializers.ChoiceField(choices=Risk.Status.choices, read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text="Open and past its next review date today."
    )

    class Meta:
        model = Risk
        fields = [
            "id",
            "category",
            "description",
            "potential_impact",
            "scale",
            "likelihood",
            "impact",
            "rating_before",
            "mitigations",
            "likelihood_after",
            "impact_after",
            "rating_after",
            "status",
            "owner",
            "next_review",
            "overdue",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, risk) -> bool:
        return risk.is_overdue(self.context["today"])


@extend_schema_field({"type": "string", "pattern": r"^\d{4}/\d{2}$", "example": "2016/17"})
class _YearField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value.label


class FundReleaseSerializer(serializers.ModelSerializer):
    amount = _Money(help_text="Pounds released.")
    when = serializers.CharField(
        source="when_as_written",
        read_only=True,
        help_text="When the source gives no date (released_on null), what it says.",
    )
    to = serializers.CharField(source="released_to", read_only=True, help_text="To whom.")
    decision = serializers.CharField(
        source="decision_reference",
        read_only=True,
        help_text="The decision that released it, e.g. a board's meeting and minute.",
    )

    class Meta:
        model = FundRelease
        fields = ["id", "amount", "released_on", "when", "to", "purpose", "decision"]
        read_only_fields = fields


class FundSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Fund.Kind.choices, read_only=True)
    year = _YearField(source="financial_year")
    amount = _Money(help_text="Pounds held back.")
    released = _Money(help_text="Pounds released so far.")
    balance = _Money(help_text="Amount less releases (pounds).")
    source_conflict = serializers.CharField(
        read_only=True,
        help_text="When not empty, the source gives the fund two amounts: both, in its words.",
    )
    releases = FundReleaseSerializer(many=True, read_only=True, help_text="Oldest first.")

    class Meta:
        model = Fund
        fields = [
            "id",
            "name",
            "kind",
            "year",
            "amount",
            "released",
            "balance",
            "releases",
            "source_conflict",
        ]
        read_only_fields = fields
