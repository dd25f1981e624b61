"""A service's refusal goes on the form the same way on every page (plans.forms.refusal_on_form)."""

from django import forms
from django.core.exceptions import ValidationError

from plans.forms import refusal_on_form


class NameForm(forms.Form):
    name = forms.CharField()


def _form():
    form = NameForm({"name": "Integrated care teams"})
    assert form.is_valid()
    return form


def test_a_refusal_naming_a_field_of_the_form_goes_beside_it_and_keeps_what_was_typed():
    form = _form()
    refusal_on_form(form, ValidationError({"name": "A scheme of this plan has this name."}))
    assert form.errors == {"name": ["A scheme of this plan has this name."]}
    assert form["name"].value() == "Integrated care teams"


def test_a_refusal_naming_a_field_the_form_lacks_goes_at_the_top():
    form = _form()
    refusal_on_form(form, ValidationError({"year": "This year is outside the plan."}))
    assert form.non_field_errors() == ["This year is outside the plan."]
    assert "name" not in form.errors


def test_a_refusal_naming_no_field_goes_at_the_top():
    form = _form()
    refusal_on_form(form, ValidationError("This plan version no longer changes."))
    assert form.non_field_errors() == ["This plan version no longer changes."]
