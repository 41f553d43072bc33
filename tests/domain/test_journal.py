"""The change journal's vocabulary: stable stored texts, a label in both languages for each."""

from __future__ import annotations

from povdesk.domain import dictionary as dd
from povdesk.domain import journal
from povdesk.domain.journal import JournalEvent, JournalSource


def test_the_stored_texts_are_the_ones_databases_hold() -> None:
    # Every version of povdesk wrote these; renaming one would leave old journals untranslated.
    assert {s.value for s in JournalSource} == {"edit", "provincial import", "users", "change request",
                                                 "migration"}
    assert {e.value for e in JournalEvent} == {"household.imported", "member.added", "user.role",
                                               "household.identified", "member.school_pair"}


def test_every_source_and_event_has_a_label_in_both_languages() -> None:
    for source in JournalSource:
        zh, en = journal.LABELS[source]
        assert zh and en and zh != en and zh != source.value
        assert journal.source_label(source.value, "zh") == zh
        assert journal.source_label(source.value, "en") == en
    for event in JournalEvent:
        zh, en = journal.EVENT_LABELS[event]
        assert zh and en and zh != en
        assert journal.event_label(event.value, "zh") == zh
        assert journal.event_label(event.value, "en") == en
        assert event.value not in {f.key for f in dd.FIELDS}


def test_an_import_reads_as_a_provincial_import() -> None:
    assert journal.source_label("provincial import", "zh") == "省级数据导入"
    assert journal.source_label("provincial import", "en") == "Provincial import"


def test_a_text_outside_the_vocabulary_is_shown_as_stored() -> None:
    assert journal.source_of("feedback") is None
    assert journal.source_label("feedback", "zh") == "feedback"
    assert journal.source_label(None) == ""
    assert journal.event_label("household.phone") is None
