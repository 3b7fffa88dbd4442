"""Form validators that refuse input instead of failing on it.

WTForms' ``NumberRange`` calls ``math.isnan(data)``, which raises for an integer too large for a float (a number
field sent with 400 digits) and for a signalling NaN ``Decimal`` (a decimal field sent ``snan``); see
https://github.com/pallets-eco/wtforms/pull/930. Both were server errors on our forms. Import ``NumberRange`` from
here in form modules. It also adds nothing when the box could not be read as a number ("1.5" in a whole-number
box): the field's own "Not a valid integer value." is then its one error, not followed by "Number must be between...".

``Length`` is WTForms' with its messages in the LMS's own words, the ones the services use ("Use at most 200
characters.", not "Field cannot be longer than 200 characters."): import it from here too. ``Email`` is the LMS's one address rule
(:mod:`lms.accounts.email_rules`) in its own words. ``PersonName`` puts a person's name through the one
normaliser of :mod:`lms.accounts.names`, so a name of invisible characters alone is refused on the form, next to the
field, instead of passing ``DataRequired``. ``HardToGuess`` refuses a common or guessable new password on the form
(:mod:`lms.accounts.passwords`). ``VisibleText`` is ``DataRequired`` for catalog texts: a title of zero-width or bidi
characters alone looks empty, and counts as empty (:func:`lms.catalog.texts.has_visible_text`); ``NotInvisible`` refuses
such a text with a message that says so, and leaves an empty one to ``DataRequired`` or ``Optional``. ``Reason`` is
``DataRequired`` for a reason or note a person must write, refusing one of invisible characters as the services do.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wtforms.validators import Length as _Length
from wtforms.validators import NumberRange as _NumberRange
from wtforms.validators import StopValidation, ValidationError

from lms.accounts.email_rules import ascii_address, email_problem
from lms.accounts.names import InvalidName, clean_name
from lms.accounts.passwords import password_problem
from lms.catalog.texts import has_visible_text
from lms.i18n import _
from lms.reasons import invisible_message
from lms.security import current_user

#: Far beyond any range a form checks, far below what a float holds.
_HUGE = 10**300


class NumberRange(_NumberRange):
    """``wtforms.validators.NumberRange`` that treats a number no float can hold, and any NaN, as out of range. When
    the box could not be read as a number at all ("1.5" for whole minutes), the field already says so ("Not a valid
    integer value." or its own message) and nothing more is checked: "Number must be between..." beside it would
    contradict it (the box may hold a number in range)."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.process_errors:
            raise StopValidation()  # no message of its own: the reading error is the field's only one
        data = field.data
        if (isinstance(data, Decimal) and data.is_nan()) or (isinstance(data, int) and abs(data) > _HUGE):
            field.data = None  # out of range for WTForms too: refused with its usual message
        super().__call__(form, field)


class Length(_Length):
    """``wtforms.validators.Length`` saying "Use at most %(num)d characters." (at least, between), as the services say
    it; a ``message`` of its own may use ``%(min)d``, ``%(max)d`` and ``%(length)d`` as WTForms' does."""

    def __call__(self, form: Any, field: Any) -> None:
        length = len(field.data) if field.data else 0
        if length >= self.min and (self.max == -1 or length <= self.max):
            return
        if self.message is not None:
            raise ValidationError(self.message % {"min": self.min, "max": self.max, "length": length})
        if self.max == -1:
            raise ValidationError(_("Use at least %(num)d characters.", num=self.min))
        if self.min <= 0:
            raise ValidationError(_("Use at most %(num)d characters.", num=self.max))
        raise ValidationError(_("Use between %(min)d and %(max)d characters.", min=self.min, max=self.max))


class Email:
    """The one address rule (:mod:`lms.accounts.email_rules`, stricter than WTForms' ``Email``: no accented letters
    before the @, which the LMS cannot send mail to), with its messages in the LMS's own words. Spaces around the
    address (pasted from a spreadsheet or an email) are trimmed first, not refused, and an internationalised domain is
    put in its ASCII form ("maria@xn--ejmplo-cva.org"), as it is kept."""

    def __call__(self, form: Any, field: Any) -> None:
        if not isinstance(field.data, str):
            raise ValidationError(_("Enter a valid email address, such as name@example.org."))
        problem = email_problem(field.data)
        if problem:
            field.data = field.data.strip()
            raise ValidationError(problem)
        field.data = ascii_address(field.data)


class VisibleText:
    """Refuse a text with nothing visible in it (empty, spaces, or zero-width, bidi and other invisible characters
    alone) with ``message``, as ``DataRequired`` refuses an empty one; the box is marked required as with it."""

    field_flags = {"required": True}

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and has_visible_text(field.data):
            return
        field.errors[:] = []
        raise StopValidation(self.message)


class NotInvisible:
    """Refuse a text of invisible characters alone (zero-width spaces, soft hyphens, bidi marks...), which
    ``DataRequired`` lets through, with ``message``, one that says why: the box looks empty to the author. An empty
    text (or spaces alone) is left to ``DataRequired`` or ``Optional`` before it."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and field.data.strip() and not has_visible_text(field.data):
            raise StopValidation(self.message)


class Reason:
    """A required reason or note (:mod:`lms.reasons`): ``DataRequired`` (with ``message``, else its own) for an empty
    box, and for one of invisible characters alone (zero-width spaces...), which ``DataRequired`` lets through and the
    service refuses, the request ``invisible`` (else ``message``) saying why; the text stays in the box. Marks the box
    required, unless ``optional`` (after ``Optional``, for a note that may be left out but not invisible)."""

    def __init__(self, message: str | None = None, *, invisible: str | None = None, optional: bool = False) -> None:
        self.message, self.invisible = message, invisible or message
        self.field_flags = {} if optional else {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        text = field.data.strip() if isinstance(field.data, str) else ""
        if text and has_visible_text(text):
            return
        field.errors[:] = []
        if text and self.invisible:
            raise StopValidation(invisible_message(str(self.invisible)))
        raise StopValidation(str(self.message) if self.message else field.gettext("This field is required."))


class PersonName:
    """Normalise a person's name in place (NFC, no bidi or invisible characters, single spaces) and refuse one with
    no visible letter or digit. Put it after ``DataRequired``/``Optional`` and before ``Length``."""

    def __call__(self, form: Any, field: Any) -> None:
        try:
            field.data = clean_name(field.data)
        except InvalidName as exc:
            raise StopValidation(exc.message) from exc


class HardToGuess:
    """Refuse a common or guessable new password, knowing the person from the form's ``email`` and ``name`` fields or
    else from the signed-in user. The service checks again (``check_password_rules``) with what only it knows, such as
    the email of a password-reset link. Put it after the length check: it stays quiet when that one has complained."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.errors or not isinstance(field.data, str):
            return
        email = _field_data(form, "email") or (current_user.email if current_user else "")
        name = _field_data(form, "name") or (current_user.name if current_user else "")
        problem = password_problem(field.data, email=email, name=name)
        if problem:
            raise ValidationError(problem)


def _field_data(form: Any, name: str) -> str:
    field = getattr(form, name, None)
    return field.data if field is not None and isinstance(field.data, str) else ""
