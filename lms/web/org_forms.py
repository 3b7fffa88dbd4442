"""Organisation forms: settings, staff details, invitations and roster upload, and a service's refusal shown on one."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    Regexp,
    ValidationError,
)

from lms.errors import DomainError
from lms.i18n import _l
from lms.orgs.joining import CONSENT_MISSING
from lms.orgs.models import CEYearBasis, EmploymentType, MemberRole, OrgKind, PayPeriod
from lms.orgs.services import SLUG_RE, Employment
from lms.orgs.settings import ANCHOR_MISSING, ANCHORED_PAY_PERIODS, OrgSettings
from lms.web.csv_upload import CsvFile
from lms.web.fields import TimezoneField
from lms.web.kept_upload import KeptFileForm
from lms.web.validators import Email, Length, NumberRange, PersonName

#: What makes a name look like a link or an address: http:// and https://, www., and an email address (name@host.tld;
#: a name such as "Health@Home" is not one).
LINK_LIKE_RE = re.compile(r"https?://|www\.|[^\s@]+@[^\s@]+\.[^\s@]+", re.IGNORECASE)


def show_error(form: FlaskForm, exc: DomainError, default: str | None = None) -> None:
    """Show a service's refusal on the field it names (``field=``), else on ``default``, else above the form."""
    target = getattr(form, exc.details.get("field") or default or "", None)
    (target.errors if target is not None else form.form_errors).append(exc.message)


class OrgForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name for web addresses"),
        validators=[DataRequired(), Length(max=64), Regexp(SLUG_RE, message=_l("Use lowercase letters, numbers and hyphens."))],
        description=_l("For example: valley-health. It cannot be changed later."),
    )
    kind = SelectField(_l("Type of organisation"))
    timezone = TimezoneField(_l("Time zone"))
    pay_period = SelectField(_l("Pay period"))
    pay_period_anchor = DateField(
        _l("First day of any pay period"),
        validators=[Optional()],
        description=_l("Needed only for weekly and two-week pay periods, which are counted from this day. Monthly and "
                       "twice-a-month periods follow the calendar."),
    )
    pay_rate = DecimalField(
        _l("Default training pay rate (US dollars per hour)"),
        places=2,
        validators=[InputRequired(message=_l("Enter a pay rate (0 if training is unpaid).")), NumberRange(min=0, max=1000)],
    )
    ce_year_basis = SelectField(_l("Continuing-education year"))
    ce_fiscal_start_month = IntegerField(
        _l("Fiscal year starts in month (1–12)"), validators=[Optional(), NumberRange(min=1, max=12)], default=7
    )
    ce_minimum_hours = DecimalField(
        _l("Yearly continuing-education minimum (hours)"),
        places=1,
        validators=[InputRequired(), NumberRange(min=0, max=200)],
        default=Decimal(6),
    )
    signatory_name = StringField(
        _l("Signatory's name"),
        validators=[Optional(), PersonName(), Length(max=200)],
        description=_l("Printed on certificates of courses this organisation issues, for example Dr. Ana Ruiz."),
    )
    signatory_title = StringField(
        _l("Signatory's title"), validators=[Optional(), Length(max=200)], description=_l("For example: Training Director.")
    )

    #: The settings (``OrgSettings``) this form names otherwise: a save refused for a change made since names the
    #: settings, and the form shows them under its own fields.
    FIELD_OF = {"training_pay_rate_cents": "pay_rate", "ce_annual_minimum_minutes": "ce_minimum_hours"}

    def __init__(self, *args, kept_name: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_name = kept_name  # the organisation's name as saved: keeping it is never refused (validate_name)
        self.kind.choices = OrgKind.choices()
        self.pay_period.choices = PayPeriod.choices()
        self.ce_year_basis.choices = CEYearBasis.choices()

    @classmethod
    def saved(cls, org) -> OrgForm:
        """The form filled from ``org`` as stored, never from the request (the saved values beside a refused save)."""
        form = cls(formdata=None)
        form.fill_from(org)
        return form

    def validate(self, extra_validators=None) -> bool:
        """Every field's checks, and the first day of weekly and two-week pay periods (an empty date field is never
        checked by its own validators), so one submit lists every problem."""
        valid = super().validate(extra_validators)
        anchor = self.pay_period_anchor
        if self.pay_period.data in {p.value for p in ANCHORED_PAY_PERIODS} and anchor.data is None and not anchor.errors:
            anchor.errors = [*anchor.errors, ANCHOR_MISSING]
            return False
        return valid

    def validate_name(self, field):
        """No web address or email address in a name: it goes into emails to people the organisation invites, where
        it must not pass for a link or a sender to trust (phishing)."""
        name = (field.data or "").strip()
        if name != (self.kept_name or "").strip() and LINK_LIKE_RE.search(name):
            raise ValidationError(_l("An organisation name cannot contain a web address or an email address (such as "
                                     "http://, https://, www. or name@example.org). Write the organisation's name only."))

    def validate_pay_rate(self, field):
        rate = field.data
        if isinstance(rate, Decimal) and rate.is_finite() and 0 <= rate <= 1000 and rate != rate.quantize(Decimal("0.01")):
            raise ValidationError(_l("Enter the rate in dollars and whole cents, for example 19.50."))

    def fill_from(self, org) -> None:
        self.name.data = org.name
        self.slug.data = org.slug
        self.kind.data = org.kind.value
        self.timezone.data = org.timezone
        self.pay_period.data = org.pay_period.value
        # Monthly and twice-a-month organisations have an anchor nobody chose (the default stored when they were
        # created): shown empty, so a switch to weekly or two-week periods asks for the first day.
        self.pay_period_anchor.data = org.pay_period_anchor if org.pay_period in ANCHORED_PAY_PERIODS else None
        self.pay_rate.data = Decimal(org.training_pay_rate_cents) / 100
        self.ce_year_basis.data = org.ce_year_basis.value
        self.ce_fiscal_start_month.data = org.ce_fiscal_start_month
        self.ce_minimum_hours.data = Decimal(org.ce_annual_minimum_minutes) / 60
        self.signatory_name.data = org.signatory_name
        self.signatory_title.data = org.signatory_title

    def settings(self) -> OrgSettings:
        return OrgSettings(
            name=self.name.data.strip(),
            kind=OrgKind(self.kind.data),
            timezone=self.timezone.data,
            pay_period=PayPeriod(self.pay_period.data),
            pay_period_anchor=self.pay_period_anchor.data,
            training_pay_rate_cents=int((self.pay_rate.data * 100).to_integral_value()),
            ce_year_basis=CEYearBasis(self.ce_year_basis.data),
            ce_fiscal_start_month=self.ce_fiscal_start_month.data or 7,
            ce_annual_minimum_minutes=int((self.ce_minimum_hours.data * 60).to_integral_value()),
            signatory_name=(self.signatory_name.data or "").strip() or None,
            signatory_title=(self.signatory_title.data or "").strip() or None,
        )


class NewOrgForAdminForm(OrgForm):
    """"Register an organisation" for a site administrator: they may name its first manager, who is invited, instead
    of managing it themselves."""

    first_manager_email = EmailField(
        _l("First manager's email"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("They get an invitation to manage the organisation, and you are not added to its staff. Leave "
                       "it empty to manage it yourself."),
    )
    first_manager_name = StringField(_l("First manager's full name"), validators=[Optional(), PersonName(), Length(max=200)])


class EmploymentForm(FlaskForm):
    employee_id = StringField(_l("Employee ID"), validators=[Optional(), Length(max=64)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=200)])
    employment_start = DateField(_l("Employment start date"), validators=[Optional()])
    employment_type = SelectField(_l("Type of employment"))
    role = SelectField(_l("Role in the organisation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.employment_type.choices = EmploymentType.choices()
        self.role.choices = MemberRole.choices()

    @classmethod
    def saved(cls, membership) -> EmploymentForm:
        """The form filled from ``membership`` as stored, never from the request."""
        form = cls(formdata=None)
        form.fill_from(membership)
        return form

    def fill_from(self, membership) -> None:
        self.employee_id.data = membership.employee_id
        self.job_title.data = membership.job_title
        self.employment_start.data = membership.employment_start
        self.employment_type.data = membership.employment_type.value
        self.role.data = membership.role.value

    def employment(self) -> Employment:
        return Employment(
            employee_id=self.employee_id.data,
            job_title=self.job_title.data,
            employment_start=self.employment_start.data,
            employment_type=EmploymentType(self.employment_type.data),
            role=MemberRole(self.role.data),
        )


class InviteForm(EmploymentForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Full name"), validators=[Optional(), PersonName(), Length(max=200)])
    # Shown only once an open invitation to the address is found: the manager confirms replacing that one (its id is
    # sent back, so a confirmation never replaces an invitation they have not seen).
    replace_open = BooleanField(_l("Replace it and send a new link"))
    open_invitation_id = HiddenField()

    def confirmed_replacement(self) -> int | None:
        """The id of the open invitation the manager agreed to replace, if they ticked the box."""
        if not self.replace_open.data:
            return None
        try:
            return int(self.open_invitation_id.data or "")
        except ValueError:
            return None

    def ask_to_replace(self, invitation) -> None:
        self.open_invitation_id.data = str(invitation.id)
        self.replace_open.data = False


class AcceptInvitationForm(FlaskForm):
    """Accepting an invitation with the account one has: the consent a new account gives on the way
    (``InvitedSignupForm``), in the same words; the service refuses without it too."""

    agree = BooleanField(_l("I agree that my training records are kept and shared with my employer."),
                         validators=[DataRequired(message=CONSENT_MISSING)])


class RosterForm(KeptFileForm):
    """A roster file, kept when the form is shown again to confirm start dates moved later (:mod:`lms.web.org_roster`),
    and that confirmation: the tick box and the moves it confirms (:attr:`lms.hours.roster_starts.RosterStartMoves.token`)."""

    file = FileField(_l("Roster file (CSV)"), validators=[CsvFile()])
    choose_message = _l("Choose a CSV file.")
    starts_shown = HiddenField()
    move_starts = BooleanField(_l("Move these start dates later"))

    def confirms(self, token: str) -> bool:
        """Whether the manager ticked the box under the moves named by ``token``."""
        return bool(self.move_starts.data) and self.starts_shown.data == token


class EndMembershipForm(FlaskForm):
    ended_on = DateField(_l("Last day of employment"),
                         validators=[InputRequired(message=_l("Enter their last day of employment."))])
    #: "yes" only from the confirmation page, which names the person and the day and says what ending means.
    confirm = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        return self.confirm.data == "yes"
