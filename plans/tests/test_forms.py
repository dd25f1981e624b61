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


@pytest.mark.parametrize(
    "typed", ["3 April 2014", "3 april 2014", "3 Apr 2014", "03/04/2014", "3/4/14", "2014-04-03"]
)
def test_a_date_is_typed_as_people_in_england_write_it(typed):
    import datetime

    from plans.forms import date_field

    class Form(forms.Form):
        on = date_field("On")

    form = Form({"on": f" {typed} "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == datetime.date(2014, 4, 3)
    shown = Form(initial={"on": datetime.date(2014, 4, 3)})
    assert 'value="3 April 2014"' in str(shown["on"])
    assert "For example, 3 April 2014 or 03/04/2014." in str(Form()["on"].help_text)


@pytest.mark.parametrize("typed", ["31 February 2014", "04/31/2014", "April 2014", "yesterday"])
def test_a_date_that_is_not_real_says_how_to_write_one(typed):
    from plans.forms import date_field

    class Form(forms.Form):
        on = date_field("On", example="31 March 2017")

    form = Form({"on": typed})
    assert not form.is_valid()
    assert form.errors["on"] == ["Enter a real date, like 31 March 2017."]


def test_every_form_takes_a_date_through_the_one_date_field():
    """How a date is typed has one home (plans.forms.date_field); a form that declares its
    own DateField would take other formats and give another hint."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    # A hidden field carrying a date the page itself wrote (ISO), never typed by a person.
    machine_written = {"submissions/views/publications.py": 1}
    found = {}
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "node_modules/")) or "/tests/" in relative:
            continue
        if relative == "plans/forms.py" or "/migrations/" in relative:
            continue
        count = path.read_text(encoding="utf-8").count("forms.DateField(")
        if count:
            found[relative] = count
    assert found == machine_written
