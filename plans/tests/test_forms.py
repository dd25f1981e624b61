import pytest
from django import forms

from plans.forms import Select

CHOICES = [
    ("", "Any"),
    ("a", "Adult social care & <NHS>"),
    ("Grouped", [(1, "One"), (2, 'Two "quoted"')]),
]


@pytest.mark.parametrize("value", [None, "a", 2, "missing"])
@pytest.mark.parametrize(
    "attrs", [{"class": "nhsuk-select"}, {"class": "nhsuk-select", "disabled": True, "x": False}]
)
def test_select_writes_what_djangos_select_writes(value, attrs):
    ours = Select(attrs=attrs, choices=CHOICES).render("field", value, attrs={"id": "id_field"})
    django = forms.Select(attrs=attrs, choices=CHOICES).render(
        "field", value, attrs={"id": "id_field"}
    )
    assert ours == django
