"""Responses are compressed with br, gzip or deflate when the client accepts it (the KB says so)."""

from __future__ import annotations

import pytest

from .helpers import erp


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("br, gzip, deflate", "br"),
        ("gzip", "gzip"),
        ("deflate", "deflate"),
        ("br;q=0, gzip", "gzip"),
    ],
)
def test_large_bodies_are_compressed_with_an_accepted_coding(sandbox, accept, expected):
    with erp(sandbox) as client:
        response = client.get(
            "/v1/supplierInvoice/Invoice/100001", headers={"Accept-Encoding": accept}
        )

    assert response.headers["Content-Encoding"] == expected
    assert int(response.headers["Content-Length"]) < len(response.content)
    assert response.json()["referenceNumber"] == "100001"


def test_no_compression_without_an_accepted_coding_or_for_small_bodies(sandbox):
    with erp(sandbox) as client:
        plain = client.get(
            "/v1/supplierInvoice/Invoice/100001", headers={"Accept-Encoding": "identity"}
        )
        small = client.get("/resources/v1/context", headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain.headers
    assert "Content-Encoding" not in small.headers
