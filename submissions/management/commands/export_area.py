"""`manage.py export_area AREA > area.json`: one area's whole data as a Django fixture.

What is exported: the area; every row of the apps that belongs to it (plans and all under
them, metrics figures, schemes, risks, governance, jobs, quarterly returns, documents'
metadata: the files themselves are in MEDIA_ROOT, backed up with it); the history
(django-simple-history) of those rows; and the reference data, with its history, whole
(policy frameworks and their parts, partner organisations, national conditions, metric
definitions, scheme types, areas of spend): it is small, and an empty database needs it.
Not exported: users and area memberships, which are accounts, not area data; rows point
at users by username (natural keys), as they do at content types.

Which rows belong to an area is found from the models, not listed by hand: a model
belongs to areas when a chain of foreign keys leads from it to plans.Area, so a model
added later is exported without a change here. Primary keys are kept, so the links that
hold ids (history rows, agenda-item links to any record) still hold after import_area.
"""

from __future__ import annotations

import datetime
import json
from collections import deque

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q

from plans.models import Area

APPS = ("frameworks", "plans", "metrics", "schemes", "risks", "governance", "submissions")
# Accounts, not area data: who may see an area is set up again where it is restored.
# A plan's kept summary is worked out from the rest and kept again where it is restored (as
# the import's saves commit, or by the minute's job; `check_plan_summaries --refresh`).
NOT_EXPORTED = {"plans.Membership", "submissions.PlanSummary"}


def area_path(model) -> str | None:
    """The shortest foreign-key chain from `model` to Area (`plan__area`), or None.

    Chains go through the apps' own models only; history models are walked like any
    other, their keys being plain foreign keys without a database constraint.
    """
    if model is Area:
        return "pk"
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, prefix = queue.popleft()
        for field in current._meta.fields:
            target = field.related_model if field.is_relation else None
            if target is None or target in seen or target._meta.app_label not in APPS:
                continue
            path = f"{prefix}{field.name}"
            if target is Area:
                return path
            seen.add(target)
            queue.append((target, f"{path}__"))
    return None


def exported_models() -> tuple[list, list]:
    """(reference models, area models), each in the order the fixture lists them."""
    reference, area = [], []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in NOT_EXPORTED:
                continue
            if area_path(model) is not None:
                area.append(model)
            else:
                reference.append(model)
    return reference, area


def area_querysets(area: Area):
    """Every exported queryset: the reference data whole, then the area's rows."""
    reference, area_models = exported_models()
    for model in reference:
        yield model._base_manager.order_by("pk")
    for model in area_models:
        yield model._base_manager.filter(**{area_path(model): area.pk}).order_by("pk")


def find_area(text: str) -> Area:
    area = Area.objects.filter(Q(name__iexact=text) | Q(code__iexact=text)).first()
    if area is None and text.isdigit():
        area = Area.objects.filter(pk=int(text)).first()
    if area is None:
        raise CommandError(f"No area is named or coded {text!r}.")
    return area


class _Encoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's JSON keeps milliseconds, which would lose data."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def export_area(area: Area, stream) -> None:
    """Write the fixture (Django's format) one model at a time."""
    stream.write("[")
    first = True
    for queryset in area_querysets(area):
        rows = serializers.serialize("python", queryset.iterator(), use_natural_foreign_keys=True)
        for row in rows:
            stream.write("\n" if first else ",\n")
            stream.write(json.dumps(row, cls=_Encoder, ensure_ascii=False))
            first = False
    stream.write("\n]\n")


class Command(BaseCommand):
    help = "Write one area's whole data (name, code or id) as JSON to standard output."

    def add_arguments(self, parser):
        parser.add_argument("area", help="The area's name, code or id.")
        parser.add_argument("--output", "-o", help="A file to write instead of stdout.")

    def handle(self, *args, area, output=None, **options):
        found = find_area(area)
        if output:
            with open(output, "w", encoding="utf-8") as stream:
                export_area(found, stream)
        else:
            self.stdout.ending = None  # the serializer writes in pieces: add nothing
            export_area(found, self.stdout)
