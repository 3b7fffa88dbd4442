"""Demo data: the ``demo`` organisation and the five demo accounts (ARCHITECTURE.md). Safe to run again.

Each feature adds its own realistic demo data through :data:`DEMO_STEPS`, so ``make run`` shows a living site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from lms import db
from lms.accounts import login_sessions, password_reset
from lms.accounts import services as accounts
from lms.accounts.models import SiteRole, User
from lms.orgs import services as orgs
from lms.orgs.models import EmploymentType, MemberRole, Organisation, OrgKind, PayPeriod
from lms.orgs.services import Employment
from lms.orgs.settings import OrgSettings


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: SiteRole
    locale: str
    membership: Employment | None
    description: str


ACCOUNTS = [
    DemoAccount("admin@example.org", "Alex Admin", SiteRole.ADMIN, "en", None, "site administrator"),
    DemoAccount("trainer@example.org", "Teresa Trainer", SiteRole.TRAINER, "en", None, "trainer"),
    DemoAccount(
        "employer@example.org", "Erin Employer", SiteRole.TRAINEE, "en",
        Employment("M-001", "CHW Program Manager", date(2021, 2, 1), EmploymentType.EMPLOYEE, MemberRole.MANAGER),
        "manager of the demo organisation",
    ),
    DemoAccount(
        "trainee@example.org", "Tom Trainee", SiteRole.TRAINEE, "en",
        Employment("E-1001", "Community Health Worker", date(2025, 9, 15), EmploymentType.EMPLOYEE),
        "trainee (English)",
    ),
    DemoAccount(
        "promotora@example.org", "María Promotora", SiteRole.TRAINEE, "es",
        Employment("E-1002", "Promotora de salud", date(2024, 4, 1), EmploymentType.EMPLOYEE),
        "trainee (Spanish)",
    ),
]

DEMO_ORG_SETTINGS = OrgSettings(
    name="Valley Community Health (demo)",
    kind=OrgKind.EMPLOYER,
    timezone="America/Los_Angeles",
    pay_period=PayPeriod.BIWEEKLY,
    pay_period_anchor=date(2026, 1, 5),
    training_pay_rate_cents=2450,
)

#: What ``lms demo`` prints for a step (``add_<name>_demo``) whose name alone reads oddly.
_STEP_WORDS = {"live": "live sessions", "hours": "training hours", "attendance": "live-session attendance"}

#: Later features append ``step(org, users)`` callables that add their demo data idempotently.
DEMO_STEPS: list[Callable[[Organisation, dict[str, User]], None]] = []


def seed_demo(password: str, progress: Callable[[str], None] | None = None) -> tuple[Organisation, dict[str, User]]:
    """Create or refresh the demo organisation and accounts (passwords set to ``password``); ``progress`` is told
    what each step does before it starts (``lms demo`` prints it: checking passwords and adding data take seconds)."""
    say = progress or (lambda _what: None)
    say("accounts (checking each password)")
    users = {account.email: _ensure_user(account, password) for account in ACCOUNTS}
    say("the demo organisation and its staff")
    org = orgs.find_org("demo") or orgs.create_org("demo", DEMO_ORG_SETTINGS, None)
    for account in ACCOUNTS:
        if account.membership and orgs.get_membership(org, users[account.email]) is None:
            orgs.add_member(org, users[account.email], account.membership, actor=None)
    db.session.flush()
    for step in DEMO_STEPS:
        name = step.__name__.removeprefix("add_").removesuffix("_demo")
        say(_STEP_WORDS.get(name, name.replace("_", " ")))
        step(org, users)
    return org, users


def _ensure_user(account: DemoAccount, password: str) -> User:
    user = accounts.get_user_by_email(account.email)
    if user is None:
        return accounts.register_user(account.email, account.name, password, locale=account.locale,
                                      role=account.role)
    if not login_sessions.authenticate(account.email, password):
        password_reset.set_password(user, password)
    return user


from lms.live.attendance_demo import add_attendance_demo  # noqa: E402

DEMO_STEPS.append(add_attendance_demo)

from lms.hours.demo import add_hours_demo  # noqa: E402

DEMO_STEPS.append(add_hours_demo)

from lms.live.demo import add_live_demo  # noqa: E402

DEMO_STEPS.append(add_live_demo)

from lms.certificates.demo import add_certificates_demo  # noqa: E402

DEMO_STEPS.append(add_certificates_demo)
