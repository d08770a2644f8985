"""The WeasyPrint internals the tool relies on (generator/core/weasy.py) are still there: an
upgrade that changes them fails here, by name, rather than somewhere deep in a roster run."""

from __future__ import annotations

from generator.core.weasy import internals_missing


def test_weasyprint_still_has_what_the_adapter_reads():
    assert internals_missing() == []
