"""`manage.py import_area area.json`: restore what export_area wrote, all or nothing.

Where it restores: into an empty, migrated database (as after a disaster, or to move an
area to another installation). An area that is already there (same id or name) is
refused, so nothing is overwritten or doubled. Rows keep their primary keys, so history
rows and links that hold ids stay right; the sequences are moved past them afterwards.

Reference data and its history (partner organisations, national conditions, metric
definitions, scheme types, areas of spend) is added where missing; a row already there is
kept as it is, since other areas use it. The users the data names (by username) must exist first:
a missing one stops the import before anything is written.

One transaction; foreign keys are checked before it commits. Saving is raw, as loaddata
does: no model signals, so no extra history rows, and the history restored is the
history exported.
"""

from __future__ import annotations

import json

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import connection, transaction

from plans.models import Area
from submissions.management.commands.export_area import exported_models


def _check_target(records: list[dict]) -> None:
    areas = [r for r in records if r["model"] == "plans.area"]
    if len(areas) != 1:
        raise CommandError("The file does not hold exactly one area: not an export_area file.")
    area = areas[0]
    name = area["fields"]["name"]
    if Area.objects.filter(pk=area["pk"]).exists() or Area.objects.filter(name=name).exists():
        raise CommandError(
            f"The area {name!r} is already in this database. Delete it first, or import "
            "into an empty database."
        )


def _missing_usernames(records: list[dict]) -> set[str]:
    from django.contrib.auth import get_user_model

    user_label = get_user_model()._meta.label_lower
    named = set()
    for record in records:
        model = record["model"]
        for name, value in record["fields"].items():
            if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
                field = _field(model, name)
                if field is not None and field.related_model._meta.label_lower == user_label:
                    named.add(value[0])
    existing = set(
        get_user_model().objects.filter(username__in=named).values_list("username", flat=True)
    )
    return named - existing


def _field(model_label: str, name: str):
    from django.apps import apps

    model = apps.get_model(model_label)
    try:
        field = model._meta.get_field(name)
    except Exception:
        return None
    return field if field.is_relation and field.related_model else None


def import_area(text: str) -> dict[str, int]:
    """Restore one area from export_area's JSON; returns rows written per model."""
    try:
        records = json.loads(text)
    except ValueError as error:
        raise CommandError(f"The file is not JSON: {error}") from None
    _check_target(records)
    missing = _missing_usernames(records)
    if missing:
        raise CommandError(
            "These users must exist before the import: " + ", ".join(sorted(missing))
        )
    reference, _ = exported_models()
    reference = set(reference)
    written: dict[str, int] = {}
    with transaction.atomic():
        models = set()
        with connection.constraint_checks_disabled():
            try:
                for item in serializers.deserialize(
                    "python", records, handle_forward_references=True
                ):
                    model = type(item.object)
                    if (
                        model in reference
                        and model._base_manager.filter(pk=item.object.pk).exists()
                    ):
                        continue  # reference data already here: kept as it is
                    # No history row for restoring m2m links: history comes from the file.
                    item.object.skip_history_when_saving = True
                    item.save()
                    models.add(model)
                    label = model._meta.label
                    written[label] = written.get(label, 0) + 1
            except DeserializationError as error:
                raise CommandError(f"The file could not be restored: {error}") from None
        connection.check_constraints(table_names=[m._meta.db_table for m in models])
        statements = connection.ops.sequence_reset_sql(no_style(), list(models))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    return written


class Command(BaseCommand):
    help = "Restore one area written by export_area (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file export_area wrote.")

    def handle(self, *args, file, **options):
        with open(file, encoding="utf-8") as stream:
            text = stream.read()
        written = import_area(text)
        total = sum(written.values())
        self.stdout.write(f"Restored {total} rows of {len(written)} models.")
