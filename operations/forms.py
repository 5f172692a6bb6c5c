from django import forms


class TenantSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a tenant",
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": "Name, tenant id or customer"}),
    )
