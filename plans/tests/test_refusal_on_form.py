"""A service's refusal goes on the form the same way on every page (plans.forms.refusal_on_form)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

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


def test_a_refusal_naming_fields_goes_beside_those_the_form_has_and_the_rest_at_the_top():
    form = _form()
    refusal_on_form(
        form, ValidationError({"name": "Taken.", "year": "This year is outside the plan."})
    )
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["This year is outside the plan."]


def test_a_service_field_goes_beside_the_form_field_it_is_part_of():
    form = _form()
    refusal_on_form(form, ValidationError({"start": "Overlaps."}), aliases={"start": "name"})
    assert form.errors == {"name": ["Overlaps."]}


def test_a_refusal_naming_no_field_goes_beside_the_field_given():
    form = _form()
    refusal_on_form(form, ValidationError("Say what will use the token."), field="name")
    assert form.errors == {"name": ["Say what will use the token."]}


def test_a_refusal_of_permission_goes_at_the_top():
    form = _form()
    refusal_on_form(form, PermissionDenied("This plan version no longer changes."))
    assert form.non_field_errors() == ["This plan version no longer changes."]


def test_a_form_shown_afresh_takes_a_refusal_at_the_top():
    # Removing a record from an old copy: the page shows the record's form again, unbound.
    form = NameForm(initial={"name": "Integrated care teams"})
    refusal_on_form(form, ValidationError("Someone else saved this record."))
    assert form.non_field_errors() == ["Someone else saved this record."]
