"""Validate real sandbox responses against the real Visma specs (openapi-core, jsonschema).

The specs are the trimmed copies in ``erpsim/specs`` (see its README for provenance). Their
``servers`` point at the production hosts, so a copy with a relative server is used here.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jsonschema
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.validation.response.exceptions import MissingData
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from werkzeug.datastructures import Headers, ImmutableMultiDict

from erpsim import specs


class HttpxOpenAPIRequest:
    def __init__(self, request: httpx.Request) -> None:
        request.read()  # multipart bodies are streamed; load them so the body can be checked
        self._request = request
        url = urlsplit(str(request.url))
        self._url = url
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qs(url.query)),
            header=Headers(dict(request.headers)),
            cookie=ImmutableMultiDict({}),
        )

    @property
    def host_url(self) -> str:
        return f"{self._url.scheme}://{self._url.netloc}"

    @property
    def path(self) -> str:
        return self._url.path

    @property
    def method(self) -> str:
        return self._request.method.lower()

    @property
    def body(self) -> bytes | None:
        return self._request.content or None

    @property
    def content_type(self) -> str:
        return self._request.headers.get("content-type", "").lower()


class HttpxOpenAPIResponse:
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def data(self) -> bytes:
        return self._response.content

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def content_type(self) -> str:
        return self._response.headers.get("content-type", "").lower()

    @property
    def headers(self) -> Headers:
        return Headers(dict(self._response.headers))


@cache
def openapi(name: str) -> OpenAPI:
    spec = copy.deepcopy(specs.load(name))
    spec["servers"] = [{"url": "/"}]
    return OpenAPI.from_dict(spec)


def validate(name: str, response: httpx.Response) -> None:
    """Raise if the response does not match the operation it answers in spec ``name``."""
    try:
        openapi(name).validate_response(
            HttpxOpenAPIRequest(response.request), HttpxOpenAPIResponse(response)
        )
    except MissingData:
        # OAS-2025 gives its 204 answers a JSON "object" body (generator output), but HTTP forbids
        # a body on 204; an empty 204 to an operation that declares 204 is the correct answer.
        if response.status_code == 204 and not response.content:
            return
        raise


@cache
def _oas3_registry(name: str) -> Registry:
    spec = specs.load(name)
    return Registry().with_resource("urn:spec", Resource.opaque(spec))


def validate_component(name: str, schema_name: str, instance: Any) -> None:
    """Validate a body against ``components/schemas/<schema_name>`` of an OpenAPI 3 spec."""
    schema = {"$ref": f"urn:spec#/components/schemas/{schema_name}"}
    validator = OAS30Validator(
        schema, registry=_oas3_registry(name), format_checker=OAS30Validator.FORMAT_CHECKER
    )
    validator.validate(instance)


def validate_legacy(definition: str, instance: Any) -> None:
    """Validate against ``definitions/<definition>`` of the Swagger 2.0 legacy spec (draft 4)."""
    spec = specs.load(specs.LEGACY)
    schema = {"$ref": f"#/definitions/{definition}", "definitions": spec["definitions"]}
    jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    ).validate(instance)


def validate_legacy_array(definition: str, instance: Any) -> None:
    spec = specs.load(specs.LEGACY)
    schema = {
        "type": "array",
        "items": {"$ref": f"#/definitions/{definition}"},
        "definitions": spec["definitions"],
    }
    jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    ).validate(instance)
