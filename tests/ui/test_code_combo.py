"""The one code-list input: filters as you type, by label, code or pinyin (issue 11 §5)."""

from __future__ import annotations

from povdesk.domain import dictionary as dd
from povdesk.domain.codelists import builtin_codebook
from povdesk.ui.code_combo import CodeCombo, pinyin_keys


def test_pinyin_keys_have_initials_and_syllables() -> None:
    assert pinyin_keys("危房改造") == "wfgz weifanggaizao"


def test_typing_pinyin_initials_finds_the_label(qtbot) -> None:  # type: ignore[no-untyped-def]
    books = builtin_codebook()
    combo = CodeCombo(dd.field("measure.category"), books, "zh")
    qtbot.addWidget(combo)
    assert combo.matches("wfgz") == ["危房改造"]
    assert combo.matches("WFGZ") == ["危房改造"]  # case does not matter
    assert "危房改造" in combo.matches("weifang")
    assert combo.matches("危房") == ["危房改造"]
    code = books["measure_category"].code_for("危房改造")
    assert combo.matches(code)[0] == "危房改造"  # the code itself
    combo.setEditText(combo.matches("wfgz")[0])
    assert combo.value() == code


def test_in_english_the_chinese_pinyin_still_finds_the_english_label(qtbot) -> None:  # type: ignore[no-untyped-def]
    books = builtin_codebook()
    combo = CodeCombo(None, books, "en", codelist="return_cause")
    qtbot.addWidget(combo)
    assert combo.matches("yb") == ["Illness"]  # 因病
    assert combo.matches("illn") == ["Illness"]
