"""docs/erpclient.md: every python example runs against the sandbox, in order, as a reader would."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "erpclient.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def test_the_doc_has_an_example_for_every_flow():
    text = DOC.read_text()
    blocks = BLOCK.findall(text)
    assert len(blocks) >= 12
    for needle in (
        "context.get()",
        "supplier_invoices.list(",
        "if_match=",
        "supplier_invoices.release(",
        "supplier_invoices.prebook(",
        "supplier_invoices.void(",
        "supplier_invoices.send_to_approval(",
        "supplier_invoices.reverse(",
        "supplier_invoices.correct(",
        "supplier_invoices.attach(",
        "supplier_invoices.attach_to_line(",
        "background.wait(",
        "background.content(",
        "sales_orders.create(",
        "sales_orders.get(",
        "sales_orders.list(",
        "customers.list(",
        "inventory.list(",
        "AsyncErpClient",
        "LimitDecision.wait(",
    ):
        assert any(needle in block for block in blocks), needle


def test_the_doc_examples_run_against_the_sandbox(sandbox, monkeypatch, capsys):
    monkeypatch.setenv("SANDBOX_URL", sandbox.url)
    namespace: dict[str, object] = {"__name__": "erpclient_docs"}
    for number, block in enumerate(BLOCK.findall(DOC.read_text()), start=1):
        code = compile(block, f"docs/erpclient.md python block {number}", "exec")
        exec(code, namespace)  # noqa: S102 - running the documentation's own examples is the test
    namespace["client"].close()
    printed = capsys.readouterr().out
    assert "4712001 Nordlys Handel AS" in printed
    assert "Finished 200" in printed
    assert "changed by someone else" in printed
    assert "reschedule in 900 s" in printed
    assert "503 after 2 attempts" in printed
