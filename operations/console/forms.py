"""A form from one operation of the specs: its path, query and header parameters, and its JSON
body, checked against the schema before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from erpclient.etag import format_if_match
from erpspecs import CONDITION_OPERATORS, Api, BodyRefused, OperationSpec, Parameter, parse_body

from .policy import BACKGROUND_MODES

# Financials date filters take these forms (the specs' own list); shown as a hint.
FINANCIALS_DATETIME_HINT = "yyyy-MM-ddTHH:mm:ss, e.g. 2026-06-01T00:00:00 (UTC)"
BODY_FIELD = "body"
MAX_VALUE = 500
MAX_BODY = 200_000


def field_name(parameter: Parameter) -> str:
    return f"{parameter.location}__{parameter.name}"


def _help(parameter: Parameter) -> str:
    text = parameter.description.split("\n", 1)[0][:300]
    if parameter.added:
        text += " (Not in the spec: the service asks for it all the same.)"
    return text


def _is_datetime_filter(op: OperationSpec, parameter: Parameter) -> bool:
    names = {p.name for p in op.parameters}
    return parameter.location == "query" and f"{parameter.name}Condition" in names


def _field(op: OperationSpec, parameter: Parameter) -> forms.Field:
    common: dict[str, Any] = {
        "label": parameter.name,
        "required": parameter.required,
        "help_text": _help(parameter),
    }
    kind = parameter.kind
    if parameter.location == "header" and parameter.name.lower() == "erp-api-background":
        return forms.ChoiceField(choices=[("", "(not sent)"), *BACKGROUND_MODES], **common)
    if kind == "condition":
        choices = [("", "(none)"), *((op, op) for op in CONDITION_OPERATORS)]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "choice":
        return forms.ChoiceField(
            choices=[("", "(any)"), *((v, v) for v in parameter.enum)], **common
        )
    if kind == "boolean":
        return forms.ChoiceField(
            choices=[("", "(not sent)"), ("true", "true"), ("false", "false")], **common
        )
    if kind == "integer":
        return forms.IntegerField(**common)
    if kind == "number":
        return forms.DecimalField(**common)
    placeholder = ""
    if kind == "date-time" and op.api is Api.SALESORDERS:
        placeholder = "2026-06-01T00:00:00+00:00"
    elif kind == "date-time" or _is_datetime_filter(op, parameter):
        placeholder = FINANCIALS_DATETIME_HINT
    elif kind == "list":
        common["help_text"] = (common["help_text"] + " Comma-separated.").strip()
    attrs = {"placeholder": placeholder} if placeholder else {}
    return forms.CharField(max_length=MAX_VALUE, widget=forms.TextInput(attrs=attrs), **common)


@dataclass(frozen=True, slots=True)
class ConsoleRequest:
    """What the form asks to send: filled path values, query, headers and the parsed body."""

    path_values: dict[str, str]
    query: dict[str, Any]
    if_match: str | None
    background: str | None
    body: Any
    # The form's values as typed, for the history's "run again".
    inputs: dict[str, str]


class OperationForm(forms.Form):
    """Built from ``op``; ``company`` names the company in the write confirmation."""

    def __init__(self, op: OperationSpec, *args: Any, company: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.op = op
        for parameter in op.parameters:
            self.fields[field_name(parameter)] = _field(op, parameter)
        if op.body_schema is not None:
            self.fields[BODY_FIELD] = forms.CharField(
                label="Body (JSON)",
                required=False,
                max_length=MAX_BODY,
                strip=False,
                help_text=op.body_description[:300]
                or "Checked against the operation's schema before anything is sent.",
                widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code"}),
            )
        if op.is_write:
            self.fields["confirm_company"] = forms.BooleanField(
                required=False, label=f"Send this {op.method} to {company or 'the company'}"
            )
        if op.method == "DELETE":
            self.fields["confirm_delete"] = forms.BooleanField(
                required=False,
                label=f"Yes, delete it in {company or 'the company'}: this cannot be undone",
            )
        self.request_to_send: ConsoleRequest | None = None

    def parameter_fields(self, location: str) -> list[forms.BoundField]:
        return [self[field_name(p)] for p in self.op.of(location)]

    @property
    def path_fields(self) -> list[forms.BoundField]:
        return self.parameter_fields("path")

    @property
    def query_fields(self) -> list[forms.BoundField]:
        return self.parameter_fields("query")

    @property
    def header_fields(self) -> list[forms.BoundField]:
        return self.parameter_fields("header")

    @property
    def confirm_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("confirm_company", "confirm_delete") if name in self.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        op = self.op
        values: dict[str, str] = {}
        query: dict[str, Any] = {}
        path_values: dict[str, str] = {}
        headers: dict[str, str] = {}
        for parameter in op.parameters:
            name = field_name(parameter)
            value = data.get(name)
            if value in (None, ""):
                continue
            text = str(value).strip()
            if parameter.kind == "date-time":
                try:
                    datetime.fromisoformat(text)
                except ValueError:
                    self.add_error(name, "Write a date and time like 2026-06-01T00:00:00+00:00.")
                    continue
            if parameter.location == "header" and parameter.name.lower() == "if-match":
                try:
                    # As the ERP wants it: quoted ("AAAAAE0YIiI="), as a GET's ETag header is.
                    text = format_if_match(text)
                except ValueError as error:
                    self.add_error(name, f"Give the ETag as the ERP sent it: {error}.")
                    continue
            values[name] = text
            if parameter.location == "path":
                path_values[parameter.name] = text
            elif parameter.location == "query":
                query[parameter.name] = (
                    [part.strip() for part in text.split(",") if part.strip()]
                    if parameter.kind == "list"
                    else text
                )
            else:
                headers[parameter.name.lower()] = text
        names = {p.name for p in op.parameters if p.location == "query"}
        for name in names:
            pair = f"{name}Condition"
            if pair in names and (name in query) != (pair in query):
                self.add_error(
                    f"query__{pair}" if name in query else f"query__{name}",
                    f"{name} and {pair} go together: give both or neither.",
                )
        body = None
        if BODY_FIELD in self.fields:
            text = data.get(BODY_FIELD) or ""
            values[BODY_FIELD] = text
            try:
                body = parse_body(op, text)
            except BodyRefused as refused:
                self.add_error(
                    BODY_FIELD,
                    ValidationError(
                        ["Nothing was sent: the body does not fit the schema."]
                        + [str(problem) for problem in refused.problems]
                    ),
                )
        if op.is_write and not data.get("confirm_company"):
            self.add_error("confirm_company", "Tick this box to send the change to the company.")
        if op.method == "DELETE" and not data.get("confirm_delete"):
            self.add_error(
                "confirm_delete", "A DELETE is sent only when this second box is ticked as well."
            )
        if not self.errors:
            self.request_to_send = ConsoleRequest(
                path_values=path_values,
                query=query,
                if_match=headers.get("if-match"),
                background=headers.get("erp-api-background"),
                body=body,
                inputs=values,
            )
        return data
