"""The evaluator's gate picking: the records it asks a rule about are exactly those whose value
passes, in order, whether the passing values are rare (index scans) or common (one pass)."""

from __future__ import annotations

from itertools import compress

import pytest

from povdesk.domain.rules.catalogue import _pick


@pytest.mark.parametrize("passing", [{"03"}, {"01"}, {"03", None}, {0}, {1.0}, {"01", "02", "03", "x", "y"},
                                     {"absent"}])
def test_pick_matches_set_membership(passing: set) -> None:  # type: ignore[type-arg]
    values = (["01"] * 50 + ["02", None, "03", False, 1, True, 0.0] * 3 + ["01"] * 40)
    records = [object() for _ in values]
    want = list(compress(records, (v in passing for v in values)))
    assert _pick(records, list(values), frozenset(passing)) == want
