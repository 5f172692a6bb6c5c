"""The home dashboard's usage panel counts companies in words that agree with the number."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import timezone


@pytest.mark.parametrize(
    ("above", "label"),
    [(0, "0 companies"), (1, "1 company"), (2, "2 companies")],
)
def test_companies_near_their_limit_are_counted_in_agreeing_words(above, label):
    html = render_to_string(
        "usage/_panel.html",
        {
            "usage_summary": SimpleNamespace(above=above, throttled=0),
            "usage_busiest": [],
            "usage_as_of": timezone.now(),
        },
    )
    text = " ".join(html.replace("</div><div", "</div> <div").split())
    number, word = label.split()
    assert f'<div class="value">{number}</div> <div class="label">{word} near' in text
