"""What every Financials document page's forms share: the page number of a list, and an action's
confirmation (hidden fields: the version the page showed, what it showed, the one-time token)."""

from __future__ import annotations

from django import forms

MAX_PAGE = 10_000


def page_number(raw: str | None) -> int:
    try:
        number = int(str(raw or "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


class ActionForm(forms.Form):
    """A confirmation: what the page showed (its version and status) and the form's token."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    etag = forms.CharField(widget=forms.HiddenInput, max_length=200)
    seen_status = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)
    seen_approval = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A page offers several actions, each with these hidden fields: ids would repeat, and no
        # label points at a hidden field, so they go without.
        for name in ("token", "etag", "seen_status", "seen_approval"):
            self.fields[name].widget.attrs["id"] = False

    def payload(self) -> dict:
        return {}

    def for_document(self, document) -> None:
        """Fit the choices to ``document`` (a sent form shown again on the document's page)."""
