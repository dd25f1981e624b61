"""Output serializers of the governance API: formatting only, no queries."""

from rest_framework import serializers

from governance.models import Action, AgendaItem, Board, Decision, Meeting, MinutePoint


class BoardSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.name", read_only=True)
    reports_to = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Board
        fields = ["id", "area", "name", "purpose", "reports_to", "frequency"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    letter = serializers.CharField(read_only=True, help_text="Resolution letter: a, b, …")

    class Meta:
        model = Decision
        fields = ["id", "letter", "kind", "text"]
        read_only_fields = fields


class MinutePointSerializer(serializers.ModelSerializer):
    numeral = serializers.CharField(read_only=True, help_text="The point's number: i, ii, …")

    class Meta:
        model = MinutePoint
        fields = ["numeral", "text"]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer):
    minutes = MinutePointSerializer(
        many=True, read_only=True, help_text="The item's minutes, point by point, in order."
    )

    class Meta:
        model = AgendaItem
        fields = ["id", "number", "title", "presenter", "summary", "minutes"]
        read_only_fields = fields


def _one_of(choices) -> str:
    return "One of: " + ", ".join(str(value) for value in choices.values) + "."


class MeetingSerializer(serializers.ModelSerializer):
    # Plain strings rather than enums: "status" choice sets differ between apps, and
    # drf-spectacular would otherwise name the enums by a hash.
    status = serializers.CharField(read_only=True, help_text=_one_of(Meeting.Status))
    title = serializers.CharField(
        read_only=True, help_text="Empty for an ordinary meeting; e.g. “Extraordinary meeting”."
    )
    items = AgendaItemSerializer(many=True, read_only=True)
    decisions = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "date", "time", "venue", "title", "status", "items", "decisions"]
        read_only_fields = fields

    def get_decisions(self, meeting) -> list[dict]:
        decisions = [
            {**DecisionSerializer(decision).data, "item": item.number}
            for item in meeting.items.all()
            for decision in item.decisions.all()
        ]
        return decisions


class ActionSerializer(serializers.ModelSerializer):
    board = serializers.CharField(source="board.name", read_only=True)
    owner = serializers.CharField(source="owner_label", read_only=True)
    owner_username = serializers.CharField(
        source="owner.username", read_only=True, allow_null=True, default=None
    )
    status = serializers.CharField(read_only=True, help_text=_one_of(Action.Status))
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "board",
            "description",
            "owner",
            "owner_username",
            "due_on",
            "status",
            "overdue",
        ]
        read_only_fields = fields

    def get_overdue(self, action) -> bool:
        return action.is_overdue(self.context["today"])


class ObjectRefSerializer(serializers.Serializer):
    """An object a decision approves or ratifies: its kind and id."""

    type = serializers.ChoiceField(
        choices=["plans.plan", "submissions.quarterlyreturn", "risks.fundrelease"],
        help_text="plans.plan (a plan version), submissions.quarterlyreturn, risks.fundrelease",
    )
    id = serializers.IntegerField(min_value=1, max_value=2**62)


class DecisionInputSerializer(serializers.Serializer):
    """A resolution to record under an item of the meeting, with what it approves or
    ratifies; recorded with its approval in one transaction, or not at all."""

    item = serializers.IntegerField(min_value=1, max_value=32767, help_text="The item's number.")
    kind = serializers.ChoiceField(choices=Decision.Kind.choices)
    text = serializers.CharField(max_length=5000)
    approves = ObjectRefSerializer(required=False, allow_null=True)
    ratifies = ObjectRefSerializer(required=False, allow_null=True)
