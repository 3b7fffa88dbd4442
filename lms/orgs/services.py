"""Organisation use cases: create, memberships, managers (settings and saving them: ``lms.orgs.settings``; invitations:
``lms.orgs.invitations``, accepting one: ``lms.orgs.joining``; the end of employment: ``lms.orgs.employment``; earlier
periods of someone who joined again: ``lms.orgs.history``; the rules employment details keep:
``lms.orgs.employment_rules``). Saving a staff member's details with the version their form was opened on (``seen``)
refuses to undo a save made since (:mod:`lms.edit_versions`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from lms import audit, db, edit_versions
from lms.accounts.models import User
from lms.errors import ConflictError, DomainError, NotFoundError
from lms.i18n import _, format_when
from lms.orgs import employment_rules, history
from lms.orgs.models import EmploymentType, MemberRole, Membership, Organisation
from lms.orgs.queries import managed_org_ids as managed_org_ids  # who manages what: there, and named here too
from lms.orgs.queries import managed_org_slugs as managed_org_slugs
from lms.orgs.queries import managed_orgs as managed_orgs
from lms.orgs.queries import sole_manager_orgs as sole_manager_orgs
from lms.orgs.settings import DEFAULT_ANCHOR, OrgSettings, check_settings, with_anchor
from lms.signals import employment_began as employment_began_signal
from lms.signals import membership_created

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@dataclass(frozen=True)
class Employment:
    """Employment details kept on a membership (and on an invitation until it is accepted)."""

    employee_id: str | None = None
    job_title: str | None = None
    employment_start: date | None = None
    employment_type: EmploymentType = EmploymentType.EMPLOYEE
    role: MemberRole = MemberRole.MEMBER


def get_org(slug: str) -> Organisation:
    org = db.session.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()
    if org is None:
        raise NotFoundError(_("No such organisation."))
    return org


def find_org(slug: str) -> Organisation | None:
    return db.session.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()


def create_org(slug: str, settings: OrgSettings, creator: User | None, *, join: bool = True) -> Organisation:
    """Create an organisation; its creator (if any) becomes its first manager, unless ``join`` is False (a site
    administrator setting it up for a clinic, whose first manager is invited instead: see
    ``lms.orgs.invitations.register_for_manager``)."""
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise DomainError(_("Use lowercase letters, numbers and hyphens for the short name."))
    if find_org(slug) is not None:
        raise ConflictError(_("That short name is already taken."))
    settings = with_anchor(settings, DEFAULT_ANCHOR)
    check_settings(settings)
    org = Organisation(slug=slug, **settings.__dict__)
    db.session.add(org)
    db.session.flush()
    audit.record("org.created", org, creator, org_id=org.id)
    if creator is not None and join:
        add_member(org, creator, Employment(role=MemberRole.MANAGER), actor=creator)
    return org


def list_orgs() -> list[Organisation]:
    return list(db.session.execute(select(Organisation).order_by(Organisation.name)).scalars())


def get_membership(org: Organisation, user: User) -> Membership | None:
    return db.session.execute(
        select(Membership).where(Membership.org_id == org.id, Membership.user_id == user.id)
    ).scalar_one_or_none()


def get_membership_by_id(org: Organisation, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.org_id != org.id:
        raise NotFoundError(_("No such staff member."))
    return membership


def add_member(org: Organisation, user: User, employment: Employment, actor: User | None) -> Membership:
    """Add ``user`` to ``org``; update their employment details if they are current staff already (nothing is
    recorded when the details are the same); former staff join again (:func:`_rejoin`). A new or changed employee ID
    must be nobody else's (:func:`lms.orgs.employment_rules.check_employee_id`; their own open invitation aside)."""
    return join_member(org, user, employment, actor)[0]


def join_member(org: Organisation, user: User, employment: Employment, actor: User | None) -> tuple[Membership, int]:
    """:func:`add_member`, and how many of the person's own hours records its employment took
    (:func:`employment_began`)."""
    membership = get_membership(org, user)
    kept = membership is not None and membership.is_current and (
        employment_rules.id_key(employment.employee_id) == employment_rules.id_key(membership.employee_id))
    if not kept:
        employment_rules.check_employee_id(org, employment.employee_id, email=user.email, membership=membership)
    if membership is not None:
        if membership.is_current:
            sent = _change_employment(membership, employment, actor)[1]
        else:
            _rejoin(membership, employment, actor)
            sent = employment_began(membership, actor)
        db.session.flush()
        return membership, sent
    membership = Membership(org_id=org.id, user_id=user.id)
    db.session.add(membership)
    set_employment(membership, employment)
    db.session.flush()
    joined = _employment_of(membership)  # what they joined with (the fields that are set)
    audit.record("membership.created", membership, actor, org_id=org.id,
                 **{key: value for key, value in joined.items() if value is not None})
    membership_created.send(membership)
    return membership, employment_began(membership, actor)


def employment_began(membership: Membership, actor: User | None) -> int:
    """Tell the other domains (the ``employment-began`` signal) that ``membership``'s employment now covers days it
    did not before; returns how many of the person's own hours records went to the organisation
    (``lms.hours.adoption``: pending ones dated within the employment)."""
    db.session.flush()
    return sum(sent for _receiver, sent in employment_began_signal.send(membership, actor=actor) if sent)


def _rejoin(membership: Membership, employment: Employment, actor: User | None) -> None:
    """Former staff join again: their ended period is kept (``lms.orgs.history``), and the membership holds the new
    one, which starts after the last day of the old (with no start date given: the day they join, or the day after
    their last day if that is later). The audit row holds the fields that changed, old and new."""
    last_day = membership.employment_end
    assert last_day is not None
    start = employment.employment_start or max(membership.organisation.today(), last_day + timedelta(days=1))
    employment_rules.check_starts_after(membership.user.name, start, last_day)
    history.keep_ended_period(membership)
    before = _employment_of(membership)
    set_employment(membership, replace(employment, employment_start=start))
    membership.employment_end = None
    audit.record("membership.rejoined", membership, actor, org_id=membership.org_id,
                 **_employment_changes(before, _employment_of(membership)))


def set_employment(membership: Membership, employment: Employment) -> None:
    membership.employee_id = (employment.employee_id or "").strip() or None
    membership.job_title = (employment.job_title or "").strip() or None
    membership.employment_start = employment.employment_start
    membership.employment_type = employment.employment_type
    membership.role = employment.role


#: The fields of a membership whose changes the audit log records, old and new (``employee_id`` is the payroll key).
EMPLOYMENT_FIELDS = ("role", "employee_id", "job_title", "employment_start", "employment_type", "employment_end")


def _employment_of(membership: Membership) -> dict[str, Any]:
    return {key: getattr(membership, key) for key in EMPLOYMENT_FIELDS}


def _employment_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return audit.changed(before, {key: value for key, value in after.items() if before[key] != value})


class EmploymentEndedError(ConflictError):
    """The membership is former staff: its details and role are kept as they were (undo the end, or invite again)."""

    code = "employment_ended"

    def __init__(self, membership: Membership) -> None:
        super().__init__(_("%(name)s's employment ended on %(date)s, so their details and role cannot be changed. If "
                           "they still work here, undo the end of their employment first.",
                           name=membership.user.name, date=format_when(membership.employment_end)))
        self.membership = membership


#: The fields of a staff member's details form, in its order (what its version covers).
EDITABLE_FIELDS = ("employee_id", "job_title", "employment_start", "employment_type", "role")


def employment_version(membership: Membership) -> str:
    """The version of ``membership``'s details as stored now, for their form to carry (:mod:`lms.edit_versions`)."""
    return edit_versions.version_of({key: getattr(membership, key) for key in EDITABLE_FIELDS})


def change_member(membership: Membership, employment: Employment, actor: User, seen: str = "", *,
                  checked: bool = False) -> tuple[bool, int]:
    """Change a current staff member's employment details and role; the audit row holds each changed field, old and
    new. False, with nothing recorded, when nothing changed. Former staff are refused (:class:`EmploymentEndedError`):
    making someone who has left a manager would give them manager rights nobody sees on the staff list. With
    ``seen`` (the :func:`employment_version` their form was opened on), a detail saved since refuses the save
    (:class:`lms.edit_versions.ChangedSinceError`). A changed employee ID or start date must keep the rules of
    :mod:`lms.orgs.employment_rules`, checked under the organisation's lock; ``checked``: the caller holds it and has
    checked them (a roster import checks every line at once, before changing anyone). Also returns how many of the
    person's own hours records a start moved earlier, set or cleared sent to the organisation (:func:`employment_began`)."""
    if not checked:
        db.lock_row(membership.organisation, key_share=True)
        db.session.refresh(membership)
    if not membership.is_current:
        raise EmploymentEndedError(membership)
    if seen:
        edit_versions.check_unchanged({key: getattr(membership, key) for key in EDITABLE_FIELDS}, seen)
    if not checked:
        check_details(membership, employment)
    return _change_employment(membership, employment, actor)


def check_details(membership: Membership, employment: Employment) -> None:
    """Refuse (:class:`DomainError` on the field) a changed employee ID or start date that breaks the rules of
    :mod:`lms.orgs.employment_rules`; :func:`change_member` asks again under the lock, and the staff page asks first,
    before a confirmation step."""
    org = membership.organisation
    if employment_rules.id_key(employment.employee_id) != employment_rules.id_key(membership.employee_id):
        employment_rules.check_employee_id(org, employment.employee_id, email=membership.user.email,
                                           membership=membership)
    if employment.employment_start != membership.employment_start:
        employment_rules.check_start(org, employment.employment_start)
        employment_rules.check_starts_after(membership.user.name, employment.employment_start,
                                            history.last_end(membership))


def _change_employment(membership: Membership, employment: Employment, actor: User | None) -> tuple[bool, int]:
    """Whether anything changed, and how many own hours records a start moved earlier, set or cleared sent to the
    organisation (:func:`employment_began`)."""
    if membership.is_manager and employment.role is not MemberRole.MANAGER:
        ensure_another_manager(membership)
    before = _employment_of(membership)
    set_employment(membership, employment)
    changes = _employment_changes(before, _employment_of(membership))
    if changes:
        audit.record("membership.updated", membership, actor, org_id=membership.org_id, **changes)
    old, new = before["employment_start"], membership.employment_start
    covers_more = "employment_start" in changes and (old is None or new is None or new < old)
    return bool(changes), employment_began(membership, actor) if covers_more else 0


def ensure_another_manager(membership: Membership) -> None:
    """Refuse to leave the organisation without a current manager whose account is active (a disabled one cannot
    approve hours or export payroll). Under the organisation's row lock, so two managers stepping down at the same
    moment are decided one after the other."""
    db.lock_row(membership.organisation, key_share=True)
    if not has_another_manager(membership):
        raise DomainError(_("An organisation needs at least one manager with an active account."))


def has_another_manager(membership: Membership) -> bool:
    """Whether the organisation has a current manager with an active account other than ``membership`` (one query;
    no lock: for saying so before a confirmation, :func:`ensure_another_manager` decides)."""
    return db.session.execute(
        select(Membership.id).join(User, User.id == Membership.user_id).where(
            Membership.org_id == membership.org_id,
            Membership.is_manager,
            Membership.id != membership.id,
            User.is_active.is_(True),
        )
    ).first() is not None


def list_members(org: Organisation, include_former: bool = False) -> list[Membership]:
    query = select(Membership).join(Membership.user).where(Membership.org_id == org.id).order_by(User.name)
    if not include_former:
        query = query.where(Membership.is_current)
    return list(db.session.execute(query).scalars())


def list_user_memberships(user: User) -> list[Membership]:
    return list(db.session.execute(select(Membership).where(Membership.user_id == user.id).order_by(Membership.created_at)).scalars())
