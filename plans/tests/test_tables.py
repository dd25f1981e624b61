import functools
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.template import Context, Template
from django_tables2 import utils

from plans.tables import _cached_signature, _uncached_signature


class Cells:
    def render_name(self, record, value):
        return value

    def render_anything(self, **kwargs):
        return kwargs

    @classmethod
    def render_class(cls, value):
        return value

    @staticmethod
    def render_static(record):
        return record


def plain(value, *args, table=None, **rest):
    return value


@pytest.mark.parametrize(
    "fn",
    [
        Cells().render_name,
        Cells().render_anything,
        Cells.render_class,
        Cells().render_static,
        plain,
        functools.partial(plain, table=None),
        lambda: None,
    ],
)
def test_remembered_signatures_read_as_django_tables2_reads_them(fn):
    assert _cached_signature(fn) == _uncached_signature(fn)
    assert _cached_signature(fn) == _uncached_signature(fn)  # and again, from the cache


def test_the_methods_of_two_tables_share_one_remembered_signature():
    _cached_signature(Cells().render_name)
    hits = _signature_cache_hits()
    assert _cached_signature(Cells().render_name) == (("record", "value"), None)
    assert _signature_cache_hits() == hits + 1


def test_django_tables2_uses_the_remembered_signatures():
    assert utils.signature is _cached_signature


def _signature_cache_hits() -> int:
    from plans.tables import _signature_of

    return _signature_of.cache_info().hits


class Sums(tables.Table):
    name = tables.Column()
    amount = tables.Column(attrs={"td": {"class": "bcf-money"}})
    flag = tables.Column(attrs={"td": {"class": lambda value: f"is-{value}"}}, default="")


ORIGINAL_LOOP = Template(
    "{% for row in table.paginated_rows %}\n"
    '    <tr class="nhsuk-table__row">\n'
    "    {% for column, cell in row.items %}"
    "<td class=\"nhsuk-table__cell {{ column.attrs.td.class|default:'' }}\">{{ cell }}</td>"
    "{% endfor %}\n"
    "    </tr>\n"
    "  {% empty %}\n"
    '    <tr class="nhsuk-table__row"><td class="nhsuk-table__cell" colspan="'
    '{{ table.columns|length }}">{{ table.empty_text }}</td></tr>\n'
    "  {% endfor %}"
)


@pytest.mark.parametrize(
    "rows",
    [
        [
            {"name": "Reablement <home>", "amount": Decimal("1250.5"), "flag": "red"},
            {"name": "Carers", "amount": None, "flag": None},
        ],
        [],
    ],
)
def test_table_rows_writes_what_the_template_loop_wrote(rows):
    table = Sums(rows, empty_text="No rows & none to show.")
    original = ORIGINAL_LOOP.render(Context({"table": table}))
    written = Template("{% load bcf_tables %}{% table_rows table %}").render(
        Context({"table": table})
    )
    assert written == original
