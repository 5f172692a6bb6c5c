"""One way every form renders (the portal's, the apps' and allauth's): Django's form renderer with
the portal's form and field templates, so labels, help texts, errors and their ARIA links are
written once (``templates/portal/forms/``). ``{{ form }}`` renders a whole form,
``{{ form.field.as_field_group }}`` one field."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "portal/forms/form.html"
    field_template_name = "portal/forms/field.html"
