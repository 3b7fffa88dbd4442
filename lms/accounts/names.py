"""People's names: one normaliser for every place a name is set (sign-up, profile, invitations, roster, CLI).

A name is shown on certificates, rosters and the hours queue exactly as stored, so it must look like what it is:

- Unicode NFC, so "é" typed as e + combining accent and "é" typed at once are the same name;
- format characters removed: bidi controls (U+202A to U+202E, U+2066 to U+2069, U+200E/U+200F, U+061C), which make
  "Juan \\u202eztiroM" print as "Juan Moritz", and invisible ones (U+200B, U+2060, U+FEFF, soft hyphen, ...), plus
  control characters and the Hangul fillers, which are letters that print as nothing. Zero-width (non-)joiners stay
  between two letters, where Persian and Indic scripts need them;
- whitespace of any kind collapsed to one space and trimmed, and combining marks with no letter to sit on dropped.

What is left must hold at least one letter or digit of any script, or the name is refused (:class:`InvalidName`).

Every change of a name is in the audit log (``user.name_changed``, old and new): a person's own, on their profile, or
a site administrator's correction, with a reason (:func:`correct_name`). Certificates already issued keep the name
they print; a replacement prints the name the account has when it is issued.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from lms import audit
from lms.errors import DomainError
from lms.i18n import _
from lms.reasons import required_reason

NAME_MAX = 200

_JOINERS = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner: part of how Persian and Indic words are spelled
_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}  # Hangul fillers: category "letter", but print nothing


class InvalidName(DomainError):
    """The name has no visible letter or digit, or is too long once normalised."""

    code = "invalid_name"


def normalize_name(value: str | None) -> str:
    """The name as it will be stored and shown (see the module docstring); may be empty."""
    text = unicodedata.normalize("NFC", value or "")
    text = "".join(ch for i, ch in enumerate(text) if _keep(text, i))
    return unicodedata.normalize("NFC", " ".join(_drop_orphan_marks(" ".join(text.split())).split()))


def _keep(text: str, i: int) -> bool:
    ch = text[i]
    if ch in _JOINERS:
        return 0 < i < len(text) - 1 and _is_letter(text[i - 1]) and _is_letter(text[i + 1])
    category = unicodedata.category(ch)
    if category in ("Cf", "Cs") or ch in _FILLERS:
        return False
    return category != "Cc" or ch.isspace()


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def _drop_orphan_marks(text: str) -> str:
    """Drop combining marks at the start of a word: they have no letter to sit on."""
    kept, at_word_start = [], True
    for ch in text:
        if at_word_start and unicodedata.category(ch)[0] == "M":
            continue
        kept.append(ch)
        at_word_start = ch == " "
    return "".join(kept)


def has_visible_name(value: str) -> bool:
    """True when ``value`` holds at least one letter or digit, in any script."""
    return any(ch.isalnum() and ch not in _FILLERS for ch in value)


def clean_name(value: str | None) -> str:
    """The normalised name, or :class:`InvalidName` with a message for the person who typed it."""
    name = normalize_name(value)
    if not has_visible_name(name):
        raise InvalidName(
            _("Enter a name with at least one letter or number. Spaces and invisible characters alone do not make a name."),
            field="name",
        )
    if len(name) > NAME_MAX:
        raise InvalidName(_("Use at most %(num)d characters.", num=NAME_MAX), field="name")
    return name


def optional_name(value: str | None) -> str | None:
    """A name that may be left out (an invitation's): normalised, or None when nothing visible is left."""
    name = normalize_name(value)
    return name if has_visible_name(name) else None


def record_name_change(user: Any, old: str, actor: Any, reason: str | None = None) -> None:
    """The audit row of a name that changed (nothing when it did not)."""
    if user.name != old:
        audit.record("user.name_changed", user, actor, reason=reason or None,
                     **audit.changed({"name": old}, {"name": user.name}))


def correct_name(user: Any, name: str | None, actor: Any, reason: str | None) -> str:
    """A site administrator corrects ``user``'s name (misspelt, say, on a certificate that must be reissued), with a
    written reason for the audit log; the old name. The name is normalised and checked as everywhere
    (:func:`clean_name`); the name the account already has is refused, so the log holds only real changes."""
    reason = required_reason(reason, _("Write the reason for correcting the name."))
    new = clean_name(name)
    if new == user.name:
        raise DomainError(_("This is already the name of the account."), field="name")
    old, user.name = user.name, new
    record_name_change(user, old, actor, reason)
    return old
