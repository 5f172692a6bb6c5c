"""The sync client is generated from the async source; the checked-in copy must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "generate_sync.py"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_sync", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_erpclient_sync_is_what_the_async_source_generates():
    stale = _generator().stale_files()
    assert stale == [], (
        f"erpclient/_sync differs from its async source in {stale}: "
        "run `python scripts/generate_sync.py`"
    )


def test_the_check_sees_a_hand_edit(tmp_path, monkeypatch):
    generator = _generator()
    copy = tmp_path / "_sync"
    copy.mkdir()
    for path in generator.TARGET.glob("*.py"):
        (copy / path.name).write_text(path.read_text())
    (copy / "client.py").write_text((copy / "client.py").read_text() + "\n# edited by hand\n")
    monkeypatch.setattr(generator, "TARGET", copy)
    assert generator.stale_files() == ["client.py"]
