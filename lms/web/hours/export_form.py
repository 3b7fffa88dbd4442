"""The timesheet page's payroll export form: its ticks. The period (``start``) and the fingerprint of the sheet shown
(``shown``) are hidden fields the view reads itself."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from lms.i18n import _l


class Tick(BooleanField):
    """A box ticked only when sent as the page's boxes send it (``yes``): a stray value locks nothing."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = bool(valuelist) and valuelist[0] == "yes"


class ExportForm(FlaskForm):
    """Exporting locks the period for good, so ``confirm`` must be ticked (as for finalising attendance). ``early`` and
    ``skip_earlier`` are checked by the service (:func:`lms.hours.export.export_period`), which says when they are
    needed; a form sent back without ``confirm`` keeps them as they were ticked."""

    confirm = Tick(
        _l("I have checked this timesheet. Lock the period: it cannot be unlocked."),
        validators=[DataRequired(message=_l("Tick the box to confirm that you checked the timesheet before it is "
                                            "locked."))],
    )
    early = Tick(_l("Yes, export it before it ends"))
    skip_earlier = Tick(_l("Yes, export this period without them"))
