"""Pinyin search keys of a name: the full pinyin and the initials, toneless and lowercase.

俄木曲哈 is `emuquha` and `emqh`. Each Chinese character takes its first (most common) reading,
without heteronyms; a Latin letter or digit stays itself, lowercased (it is its own initial);
anything else (the middle dot of 阿依古丽·买买提, spaces) is left out. The keys are stored next to
the name (`member.name_pinyin`, `member.name_initials`, `household.head_pinyin`) when a name is
imported, edited or added, so a search or a sort by pinyin is SQL over indexed columns.
"""

from __future__ import annotations

import unicodedata
from functools import cache

#: Longest key stored (the columns are String(KEY_LENGTH)); a 40-character name fits.
KEY_LENGTH = 240


@cache
def _syllable(char: str) -> str:
    """The toneless pinyin of one character ('' for one that is neither Chinese nor a letter)."""
    if char.isascii():
        return char.lower() if char.isalnum() else ""
    if not ("\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f"):
        folded = unicodedata.normalize("NFKC", char).casefold()  # Ａ (full width) is a
        return folded if folded.isascii() and folded.isalnum() else ""
    # imported here: pypinyin loads its dictionary, needed only once a name is keyed
    from pypinyin import Style, lazy_pinyin

    reading = lazy_pinyin(char, style=Style.NORMAL, errors="ignore", v_to_u=False)
    return "".join(reading).lower() if reading else ""


def keys(name: str | None) -> tuple[str | None, str | None]:
    """(full pinyin, initials) of a name; (None, None) for an empty name.

    Keyed character by character (a name is not a phrase, and each character's reading is cached):
    a few microseconds a name, so a 100,000-member roster adds well under a second.
    """
    if not name:
        return None, None
    syllables = [s for s in map(_syllable, name) if s]
    if not syllables:
        return None, None
    return "".join(syllables)[:KEY_LENGTH], "".join(s[0] for s in syllables)[:KEY_LENGTH]


def search_form(text: str) -> str:
    """The form a typed text is compared with the keys in: lowercase, spaces and dots left out."""
    return "".join(c.lower() for c in text if c.isascii() and c.isalnum())


# ---------------------------------------------------------------------------- search keys
# A key is a kind letter and a text; the search looks each typed text up as a key prefix, so
# "any part" of a name is the start of one of its suffixes. Pinyin is cut at syllables: 曲哈 is
# found as quha, not as uqu.
NAME, PINYIN, INITIALS, ID_TAIL, NUMBER_TAIL = "n", "p", "i", "d", "h"
#: Fewest digits that look up an ID number's tail and a household number's tail.
ID_TAIL_DIGITS = 4
NUMBER_TAIL_DIGITS = 3
#: Fewest letters looked up as pinyin or initials (one letter would match a third of a county).
PINYIN_LETTERS = 2


def name_keys(name: str | None) -> set[str]:
    """The keys of a name: each suffix of the name, of its pinyin and of its initials."""
    if not name:
        return set()
    folded = name.strip().casefold()
    out = {NAME + folded[i:] for i in range(len(folded)) if folded[i].isalnum()}
    syllables = [s for s in map(_syllable, name) if s]
    for i in range(len(syllables)):
        out.add(PINYIN + "".join(syllables[i:])[:KEY_LENGTH])
        out.add(INITIALS + "".join(s[0] for s in syllables[i:])[:KEY_LENGTH])
    return out


def id_keys(id_number: str | None) -> set[str]:
    """The key of an ID number's tail (`id_number` in its compared form, `idnumber.key`)."""
    return {ID_TAIL + id_number[::-1]} if id_number else set()


def number_keys(household_no: str | None) -> set[str]:
    """The key of a household number's tail."""
    return {NUMBER_TAIL + household_no.strip()[::-1]} if household_no and household_no.strip() else set()


def query_prefixes(text: str, id_form: str) -> list[str]:
    """The key prefixes a typed text is looked up by (`id_form`: the text as an ID number would be
    compared, `idnumber.key`): digits look up the tails of ID and household numbers, anything else
    the name, and, when it is Latin letters, its pinyin and initials."""
    text = text.strip()
    if not text:
        return []
    if id_form[:-1].isdigit() and id_form[-1:] in "0123456789X" and id_form.isascii():
        out = []
        if len(id_form) >= ID_TAIL_DIGITS:
            out.append(ID_TAIL + id_form[::-1])
        if len(text) >= NUMBER_TAIL_DIGITS:
            out.append(NUMBER_TAIL + text[::-1])
        return out
    out = [NAME + text.casefold()]
    form = search_form(text)
    if len(form) >= PINYIN_LETTERS and text.isascii():
        out += [PINYIN + form, INITIALS + form]
    return out
