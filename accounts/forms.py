from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from plans.forms import NhsForm

_INPUT = {"class": "nhsuk-input"}


class TokenForm(NhsForm):
    name = forms.CharField(
        label="What will use the token",
        help_text="For example, the finance team's monthly report script.",
        max_length=100,
        widget=forms.TextInput(attrs=_INPUT),
    )


class NhsPasswordChangeForm(PasswordChangeForm):
    """Django's password change, its inputs in the NHS.UK style (error style included)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "nhsuk-input nhsuk-input--width-20"
        self.fields["old_password"].label = "Current password"
        self.fields["new_password2"].label = "New password again"
        self.fields[
            "new_password1"
        ].help_text = (
            "At least 8 characters; not a common password, nor one like your user name or name."
        )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " nhsuk-input--error"
