"""Form fields shared by several forms."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from lms.i18n import _l, is_valid_timezone
from lms.timezones import group_titles, zone_options


class TimezoneField(SelectField):
    """A time zone, chosen from :func:`lms.timezones.zone_options` in the reader's language: the common US zones in
    words, then every other zone by country, as two ``<optgroup>``s of a plain ``<select>`` (no script needed). The
    value is the IANA name. Any valid zone is accepted (:func:`lms.i18n.is_valid_timezone`), also an old alias the
    list does not show; anything else gets "Choose a time zone from the list." The field makes its own choices:
    setting ``choices`` is an error."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, validate_choice=False, **kwargs)

    @property
    def choices(self) -> list[SelectChoice]:
        common, others = group_titles()
        return [SelectChoice(option.value, option.label, optgroup=common if option.common else others)
                for option in zone_options(str(get_locale()), self.data)]

    def pre_validate(self, form: Any) -> None:
        if not is_valid_timezone(self.data or ""):
            raise StopValidation(str(_l("Choose a time zone from the list.")))
