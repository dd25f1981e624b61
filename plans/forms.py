from django import forms

from plans.models import NarrativeSection


class SectionForm(forms.Form):
    body = forms.CharField(
        label="Text",
        required=False,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 24}),
        help_text="Paragraphs are separated by a blank line; lines starting “- ” are bullets.",
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, section: NarrativeSection, **kwargs):
        kwargs.setdefault("initial", {"body": section.body, "lock_version": section.lock_version})
        super().__init__(*args, **kwargs)
        self.fields["body"].label = section.get_key_display()
