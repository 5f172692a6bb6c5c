from __future__ import annotations

from django import forms

from . import audit_words
from .inputs import DateField
from .models import AuditEvent
from .roles import Role

ROLE_CHOICES = [(role.value, role.label) for role in Role]


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Role.VIEWER.value)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)


class AuditFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": "Object, action or email"}),
    )
    action = forms.ChoiceField(required=False)
    target_type = forms.ChoiceField(label="Object type", required=False)
    actor = forms.CharField(label="Actor email", required=False, max_length=254)
    since = DateField(label="From", required=False)
    until = DateField(label="To", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        types = AuditEvent.objects.exclude(target_type="").order_by("target_type")
        types = types.values_list("target_type", flat=True).distinct()
        # Choices in words, sorted as read; the value stays the stored code.
        action_choices = sorted(((a, audit_words.action_in_words(a)) for a in actions), key=_words)
        type_choices = sorted(((t, audit_words.target_type_in_words(t)) for t in types), key=_words)
        self.fields["action"].choices = [("", "Any action"), *action_choices]
        self.fields["target_type"].choices = [("", "Any type"), *type_choices]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned


def _words(choice: tuple[str, str]) -> str:
    return choice[1].lower()
