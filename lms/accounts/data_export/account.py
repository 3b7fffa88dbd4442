"""The account part of a data export: the profile, the organisations the person works or worked for (each period of
employment), invitations sent to their address, their API tokens and their sign-ins."""

from __future__ import annotations

from sqlalchemy import select

from lms import db
from lms.accounts.data_export.tables import Cell, Person, Table, day, moment, names_of, title_of, yes_no
from lms.accounts.models import ApiToken, LoginSession
from lms.i18n import _l, language_name
from lms.live.models import CalendarFeed
from lms.orgs.models import EmploymentPeriod, Invitation, Membership, Organisation


def profile(person: Person) -> Table:
    """One row per field of the account (never the password, which is stored only as a one-way hash)."""
    user = person.user
    feed = db.session.execute(select(CalendarFeed).where(CalendarFeed.user_id == user.id)).scalar_one_or_none()
    rows = [
        (_l("Name"), user.name),
        (_l("Email"), user.email),
        (_l("Site role"), user.role.title),
        (_l("Language"), language_name(user.locale) if user.locale else None),
        (_l("Time zone"), user.timezone),
        (_l("Account active"), yes_no(user.is_active)),
        (_l("Account created"), moment(person, user.created_at)),
        (_l("Last signed in"), moment(person, user.last_login_at)),
        (_l("Personal calendar feed"), yes_no(feed is not None and feed.is_enabled)),
    ]
    # i18n: column names of profile.csv: each row is a field of the person's account and its value (“Download my data”)
    return Table("profile", (_l("Field"), _l("Value")), [[str(label), value] for label, value in rows])


ORGANISATION_COLUMNS = (
    # i18n: column names of organisations.csv (one row per period of the person's employment) (“Download my data”)
    _l("Organisation"), _l("Role"), _l("Employee ID"), _l("Job title"), _l("Type of employment"),
    _l("Employment start date"), _l("Last day of employment"), _l("End recorded by"),
)


def organisations(person: Person) -> Table:
    """Every period of employment: each membership as it is now, then its earlier periods (kept when someone joins
    an organisation again), the latest first. The role is shown for current staff only, as on every page."""
    memberships = db.session.execute(
        select(Membership).where(Membership.user_id == person.id).order_by(Membership.created_at, Membership.id)
    ).scalars().all()
    periods = db.session.execute(
        select(EmploymentPeriod).where(EmploymentPeriod.membership_id.in_([m.id for m in memberships]))
        .order_by(EmploymentPeriod.employment_end.desc(), EmploymentPeriod.id.desc())
    ).scalars().all() if memberships else []
    names = names_of(period.ended_by_id for period in periods)
    rows: list[list[Cell]] = []
    for membership in memberships:
        org = membership.organisation.name
        rows.append([org, title_of(membership.role) if membership.is_current else None, membership.employee_id,
                     membership.job_title, title_of(membership.employment_type),
                     day(membership.employment_start), day(membership.employment_end), None])
        rows.extend(
            [org, None, period.employee_id, period.job_title, title_of(period.employment_type),
             day(period.employment_start), day(period.employment_end), names.get(period.ended_by_id)]
            for period in periods if period.membership_id == membership.id)
    return Table("organisations", ORGANISATION_COLUMNS, rows)


INVITATION_COLUMNS = (
    # i18n: column names of invitations.csv (invitations to join an organisation sent to the person) (“Download my data”)
    _l("Organisation"), _l("Sent"), _l("Expires"), _l("Accepted"), _l("Withdrawn"), _l("Role"), _l("Employee ID"),
    _l("Job title"), _l("Employment start date"), _l("Invited by"),
)


def invitations(person: Person) -> Table:
    """Invitations to join an organisation sent to the person's email address, with the details the manager gave."""
    rows = db.session.execute(
        select(Invitation, Organisation.name).join(Organisation, Organisation.id == Invitation.org_id)
        .where(Invitation.email == person.user.email).order_by(Invitation.created_at, Invitation.id)
    ).all()
    names = names_of(invitation.invited_by_id for invitation, _org in rows)
    return Table("invitations", INVITATION_COLUMNS, [
        [org, moment(person, i.created_at), moment(person, i.expires_at), moment(person, i.accepted_at),
         moment(person, i.revoked_at), title_of(i.role), i.employee_id, i.job_title, day(i.employment_start),
         names.get(i.invited_by_id)]
        for i, org in rows
    ])


def api_tokens(person: Person) -> Table:
    """Personal API tokens by name and dates: never the secret, nor its hash or first characters."""
    tokens = db.session.execute(
        select(ApiToken).where(ApiToken.user_id == person.id).order_by(ApiToken.created_at, ApiToken.id)
    ).scalars()
    # i18n: column names of api_tokens.csv (the person's API tokens) (“Download my data”)
    return Table("api_tokens", (_l("Name"), _l("Created"), _l("Last used"), _l("Revoked")), [
        [token.name, moment(person, token.created_at), moment(person, token.last_used_at),
         moment(person, token.revoked_at)]
        for token in tokens
    ])


def sign_ins(person: Person) -> Table:
    """Browser sign-ins as the server keeps them: when, last seen, when signed out, and the browser's description
    (never the session's secret)."""
    sessions = db.session.execute(
        select(LoginSession).where(LoginSession.user_id == person.id).order_by(LoginSession.created_at, LoginSession.id)
    ).scalars()
    # i18n: column names of sign_ins.csv (the person's browser sign-ins); "Browser": its user-agent text (“Download my data”)
    return Table("sign_ins", (_l("Signed in"), _l("Last seen"), _l("Signed out"), _l("Browser")), [
        [moment(person, s.created_at), moment(person, s.last_seen_at), moment(person, s.revoked_at), s.user_agent]
        for s in sessions
    ])
