"""How the audit log reads the rows of accounts and organisations: people's accounts and API tokens, organisations'
settings, staff members and invitations (merged by :mod:`lms.web.audit_display`)."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import SiteRole, TokenScope
from lms.i18n import _l, format_minutes, format_money, language_name
from lms.orgs.models import CEYearBasis, EmploymentType, MemberRole, OrgKind, PayPeriod
from lms.web.audit_format import moment, number, on_date, titled, words, yes_no

TITLES = {
    "user.registered": _l("Account created"),
    "user.password_changed": _l("Password changed"),
    "user.enabled": _l("Account enabled"),
    "user.disabled": _l("Account disabled"),
    "user.role_changed": _l("Site role changed"),
    "user.email_changed": _l("Email address changed"),
    "user.email_change_requested": _l("Link sent to confirm a new email address"),
    "user.password_reset_requested": _l("Password reset email sent"),
    # i18n: in the audit log: the person proved the account's email address is theirs (a link sent to it was opened)
    "user.email_confirmed": _l("Email address confirmed"),
    # i18n: in the audit log: the link that confirms the email address of a new account was emailed to it
    "user.email_confirmation_sent": _l("Email sent to confirm the address"),
    "user.name_changed": _l("Name changed"),
    # i18n: in the audit log: the person's interface language (profile or language switcher)
    "user.language_changed": _l("Language changed"),
    # i18n: in the audit log: the person downloaded the zip of their own data from their profile ("Download my data")
    "account.data_exported": _l("Personal data downloaded"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    # i18n: in the audit log: the person revoked all their API tokens at once ("Revoke all my API tokens")
    "api_token.revoked_all": _l("All API tokens revoked"),
    # i18n: in the audit log: the token's owner was emailed, once, that the token expires within a week
    "api_token.expiry_notice_sent": _l("Email sent: API token expires soon"),
    "org.created": _l("Organisation created"),
    "org.settings_changed": _l("Organisation settings changed"),
    "membership.created": _l("Joined the organisation"),
    "membership.updated": _l("Staff details changed"),
    "membership.ended": _l("Employment ended"),
    "membership.reinstated": _l("End of employment undone"),
    # i18n: in the audit log: a former staff member accepted a new invitation; their earlier employment is kept
    "membership.rejoined": _l("Joined the organisation again"),
    "invitation.created": _l("Invitation sent"),
    "invitation.resent": _l("Invitation sent again"),
    "invitation.replaced": _l("Invitation replaced"),
    "invitation.revoked": _l("Invitation withdrawn"),
    "invitation.accepted": _l("Invitation accepted"),
}

OBJECT_TYPES = {
    "User": _l("Person"), "Organisation": _l("Organisation"), "Membership": _l("Staff member"),
    "Invitation": _l("Invitation"), "ApiToken": _l("API token"),
}

_MEMBER_FIELDS = {
    "role": (_l("Role in the organisation"), titled(MemberRole)),
    "employee_id": (_l("Employee ID"), str),
    "job_title": (_l("Job title"), str),
    "employment_start": (_l("Employment start date"), on_date),
    "employment_type": (_l("Type of employment"), titled(EmploymentType)),
    "employment_end": (_l("Last day of employment"), on_date),
    "ended_on": (_l("Last day of employment"), on_date),
}
#: An invitation's rows: the role it offers and, on accepting, the consent given.
_INVITATION_FIELDS = {
    "role": _MEMBER_FIELDS["role"],
    # i18n: in the audit log: the person ticked "I agree that my training records are kept and shared with my
    # employer" on accepting an invitation
    "agreed": (_l("Agreed that their training records are kept and shared with the employer"), yes_no),
}
_ORG_FIELDS = {
    "name": (_l("Organisation name"), str),
    "kind": (_l("Type of organisation"), titled(OrgKind)),
    "timezone": (_l("Time zone"), str),
    "pay_period": (_l("Pay period"), titled(PayPeriod)),
    "pay_period_anchor": (_l("First day of any pay period"), on_date),
    "training_pay_rate_cents": (_l("Default training pay rate (US dollars per hour)"), format_money),
    "ce_year_basis": (_l("Continuing-education year"), titled(CEYearBasis)),
    "ce_fiscal_start_month": (_l("Fiscal year starts in month (1–12)"), str),
    "ce_annual_minimum_minutes": (_l("Yearly continuing-education minimum (hours)"), format_minutes),
    "signatory_name": (_l("Signatory's name"), str),
    "signatory_title": (_l("Signatory's title"), str),
}

COMMON_FIELDS: dict[str, tuple[Any, Any]] = {
    "user_id": (_l("Person"), str),
    "slug": (_l("Short name in addresses"), str),
    "email": (_l("Email"), str),
    "replaces": (_l("Replaces"), str),
    "by": (_l("Replaced by"), str),
    # i18n: in the audit log: an API token revoked, or a calendar-feed link replaced, because the person set a new
    # password through an emailed reset link
    "password_reset": (_l("Because of a password reset by email"), yes_no),
    # i18n: in the audit log: an API token revoked because an administrator disabled its owner's account
    "account_disabled": (_l("Because the account was disabled"), yes_no),
    # i18n: in the audit log: where a change was made: with an "lms" command on the server, by whoever ran it; or
    # by a program calling the site's API with a person's API token (named on the next line, "API token: …")
    "origin": (_l("Made with"), words({"cli": _l("the command line"), "api": _l("the API")})),
    # i18n: in the audit log: the API token a change was made with (the name its owner gave it, e.g. "Payroll sync")
    "api_token": (_l("API token"), str),
}

FIELDS = {
    "org.settings_changed": _ORG_FIELDS,
    **dict.fromkeys(("membership.created", "membership.updated", "membership.ended", "membership.reinstated",
                     "membership.rejoined"), _MEMBER_FIELDS),
    **dict.fromkeys(("invitation.created", "invitation.resent", "invitation.accepted"), _INVITATION_FIELDS),
    "user.role_changed": {"role": (_l("Site role"), titled(SiteRole))},
    # i18n: in the audit log: the site role an account was created with (lms create-user --role)
    "user.registered": {"role": (_l("Site role"), titled(SiteRole))},
    "user.name_changed": {"name": (_l("Name"), str)},
    "user.language_changed": {"locale": (_l("Language"), language_name)},
    # i18n: in the audit log: what a new API token may do, and when it stops working ("—": never)
    "api_token.created": {"scope": (_l("Access"), titled(TokenScope)), "expires_at": (_l("Expires"), moment)},
    "api_token.expiry_notice_sent": {"expires_at": (_l("Expires"), moment)},
    # i18n: in the audit log: how many API tokens the person revoked at once
    "api_token.revoked_all": {"count": (_l("Tokens revoked"), number)},
}
