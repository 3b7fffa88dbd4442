"""Form validators that refuse input instead of failing on it.

WTForms' ``NumberRange`` calls ``math.isnan(data)``, which raises for an integer too large for a float (a number
field sent with 400 digits) and for a signalling NaN ``Decimal`` (a decimal field sent ``snan``); see
https://github.com/pallets-eco/wtforms/pull/930. Both were server errors on our forms. Import ``NumberRange`` from
here in form modules.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wtforms.validators import NumberRange as _NumberRange

#: Far beyond any range a form checks, far below what a float holds.
_HUGE = 10**300


class NumberRange(_NumberRange):
    """``wtforms.validators.NumberRange`` that treats a number no float can hold, and any NaN, as out of range."""

    def __call__(self, form: Any, field: Any) -> None:
        data = field.data
        if (isinstance(data, Decimal) and data.is_nan()) or (isinstance(data, int) and abs(data) > _HUGE):
            field.data = None  # out of range for WTForms too: refused with its usual message
        super().__call__(form, field)
