"""Injection: text typed into every field a person can type, through the real forms, comes back escaped exactly once
on every page (never raw, never twice), as itself in JSON, iCalendar, PDFs and email, and neutralised against
spreadsheet formulas in CSV files. Lesson bodies are Markdown: there the rule is "sanitised, nothing active".

The world is built by :class:`tests.security._injection.WorldBuilder` with ``text(key)`` in every typed field; the
table :data:`FIELDS` below lists each key with the form it is typed into and where it must show. A new text field
gets a line in the table and a ``self.text("...")`` in the builder (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from markupsafe import escape

from tests.conftest import PASSWORD
from tests.security._injection import (
    EXACT,
    FORMULAS,
    SPECIAL,
    XSS,
    Browser,
    Finding,
    World,
    WorldBuilder,
    active_content,
    csv_findings,
    csv_has,
    escaped,
    html_findings,
    pdf_has,
    pdf_text,
    response_findings,
    shows,
    walk,
)


@dataclass(frozen=True)
class Field:
    """A typed text: the form (endpoint) and field it is typed into, and where it must show. ``pages`` and ``files``
    are ``"person endpoint"`` (person None is anonymous), files also ``"download:<name>"`` (a file a form sent back,
    e.g. the bulk verification CSV); ``after`` means the page right after sending the form
    (a flash message, or a form filled in for the next step); ``mail`` that an email carries it."""

    form: str
    field: str
    pages: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    after: bool = False
    mail: bool = False
    markdown: bool = False


F = Field
NAME_PAGES = ("trainee lms.accounts.profile", "trainee lms.main.home", "manager lms.orgs.show", "manager lms.orgs.member",
              "manager lms.hours.queue", "manager lms.hours.review", "manager lms.hours.org_timesheet",
              "manager lms.hours.compliance_dashboard", "manager lms.certificates.staff", "manager lms.sessions.staff",
              "trainer lms.sessions.attendance", "admin lms.admin.users", "None lms.certificates.verify_page")
TRANSLATED = "trainer lms.authoring.preview"

#: Every text field a person can type (the key is what the world builder fills it with).
FIELDS: dict[str, Field] = {
    # people and organisations
    "signup.name": F("lms.accounts.signup", "name", after=True),
    "profile.name": F("lms.accounts.profile", "name", NAME_PAGES,
                      ("trainee lms.certificates.pdf", "trainee lms.hours.my_transcript", "manager lms.hours.checklist_pdf",
                       "manager lms.hours.checklist_csv", "manager lms.hours.download_payroll", "download:bulk_csv")),
    "org.create.name": F("lms.orgs.create", "name", after=True),
    "org.name": F("lms.orgs.settings", "name",
                  ("manager lms.orgs.show", "manager lms.orgs.settings", "manager lms.orgs.index", "trainee lms.main.home",
                   "trainee lms.hours.mine", "manager lms.hours.compliance_dashboard", "None lms.orgs.accept"),
                  ("manager lms.hours.checklist_pdf", "manager lms.hours.checklist_csv"), mail=True),
    "member.job_title": F("lms.orgs.member", "job_title",
                          ("manager lms.orgs.show", "manager lms.orgs.member", "manager lms.hours.compliance_dashboard",
                           "trainee lms.main.home"), ("manager lms.hours.checklist_pdf", "manager lms.hours.checklist_csv")),
    "member.employee_id": F("lms.orgs.member", "employee_id",
                            ("manager lms.orgs.show", "manager lms.orgs.member", "manager lms.hours.org_timesheet"),
                            ("manager lms.hours.download_payroll",)),
    "invite.name": F("lms.orgs.invite", "name", ("manager lms.orgs.show",), mail=True),
    "invite.job_title": F("lms.orgs.invite", "job_title"),  # kept on the invitation; shown once accepted
    "invite.employee_id": F("lms.orgs.invite", "employee_id"),
    "roster.name": F("lms.orgs.roster_import", "name (CSV cell)", after=True),  # pre-fills the invitation sign-up
    "roster.waiting.name": F("lms.orgs.roster_import", "name (CSV cell)", ("manager lms.orgs.show",), mail=True),
    "roster.employee_id": F("lms.orgs.roster_import", "employee_id (CSV cell)",
                            ("manager lms.orgs.show", "manager lms.orgs.member")),
    "roster.job_title": F("lms.orgs.roster_import", "job_title (CSV cell)",
                          ("manager lms.orgs.show", "manager lms.orgs.member", "roster lms.main.home")),
    "invitation.signup.name": F("lms.orgs.accept", "name",
                                ("manager lms.orgs.show", "admin lms.admin.users", "roster lms.accounts.profile"),
                                after=True),
    # the course
    "course.title": F("lms.authoring.new_course", "title",
                      ("None lms.courses.catalog", "None lms.courses.course", "None lms.sessions.index",
                       "None lms.certificates.verify_page", "trainee lms.main.home", "trainee lms.certificates.mine",
                       "trainer lms.authoring.index", "trainer lms.authoring.course", "trainer lms.authoring.edit_course",
                       "trainer lms.certificates.issue"), ("trainee lms.certificates.pdf", "download:bulk_csv")),
    "course.version": F("lms.authoring.new_course", "version (32 characters at most)",
                        ("None lms.certificates.verify_page", "trainer lms.authoring.edit_course",
                         "trainer lms.certificates.issue")),
    "course.summary": F("lms.authoring.new_course", "summary",
                        ("None lms.courses.catalog", "None lms.courses.course", "trainer lms.authoring.edit_course")),
    "module.title": F("lms.authoring.new_module", "title",
                      ("None lms.courses.course", "trainee lms.courses.lesson", "trainer lms.authoring.course",
                       "trainer lms.authoring.edit_module")),
    "module.summary": F("lms.authoring.new_module", "summary",
                        ("None lms.courses.course", "trainer lms.authoring.edit_module")),
    "lesson.title": F("lms.authoring.new_lesson", "title",
                      ("None lms.courses.course", "trainee lms.courses.lesson", "trainer lms.authoring.course",
                       "trainer lms.authoring.edit_lesson", "trainer lms.authoring.preview_lesson")),
    "lesson.body": F("lms.authoring.new_lesson", "body", ("trainer lms.authoring.edit_lesson",), markdown=True),
    "quiz.title": F("lms.authoring.quiz", "title",
                    ("None lms.courses.course", "trainee lms.courses.quiz_result", "learner2 lms.courses.quiz",
                     "trainer lms.authoring.quiz")),
    "question.prompt": F("lms.authoring.new_question", "prompt",
                         ("trainee lms.courses.quiz_result", "learner2 lms.courses.quiz", "trainer lms.authoring.quiz",
                          "trainer lms.authoring.edit_question", "trainer lms.authoring.preview_quiz")),
    "option.text": F("lms.authoring.new_question", "options-0-text",
                     ("trainee lms.courses.quiz_result", "learner2 lms.courses.quiz", "trainer lms.authoring.edit_question",
                      "trainer lms.authoring.preview_quiz")),
    "option.feedback": F("lms.authoring.new_question", "options-0-feedback",
                         ("trainee lms.courses.quiz_result", "trainer lms.authoring.edit_question")),
    # translations (typed in the side-by-side editor, read in Spanish)
    "translation.course.title": F("lms.authoring.translate", "t-course-<id>-title",
                                  ("trainer lms.authoring.translate", TRANSLATED, "trainee-es lms.courses.catalog",
                                   "trainee-es lms.courses.course")),
    "translation.course.summary": F("lms.authoring.translate", "t-course-<id>-summary",
                                    ("trainer lms.authoring.translate", TRANSLATED, "trainee-es lms.courses.course")),
    "translation.module.title": F("lms.authoring.translate_module", "t-module-<id>-title",
                                  ("trainer lms.authoring.translate_module", TRANSLATED, "trainee-es lms.courses.course")),
    "translation.module.summary": F("lms.authoring.translate_module", "t-module-<id>-summary",
                                    ("trainer lms.authoring.translate_module", "trainee-es lms.courses.course")),
    "translation.quiz.title": F("lms.authoring.translate_module", "t-quiz-<id>-title",
                                ("trainer lms.authoring.translate_module", "trainee-es lms.courses.quiz_result")),
    "translation.lesson.title": F("lms.authoring.translate_lesson", "t-lesson-<id>-title",
                                  ("trainer lms.authoring.translate_lesson", "trainee-es lms.courses.lesson")),
    "translation.lesson.body": F("lms.authoring.translate_lesson", "t-lesson-<id>-body",
                                 ("trainer lms.authoring.translate_lesson",), markdown=True),
    # (the trainee took the quiz in English: their result keeps the English texts, even read in Spanish)
    "translation.question.prompt": F("lms.authoring.translate_question", "t-question-<id>-prompt",
                                     ("trainer lms.authoring.translate_question", "trainer lms.authoring.preview_quiz")),
    "translation.option.text": F("lms.authoring.translate_question", "t-option-<id>-text",
                                 ("trainer lms.authoring.translate_question", "trainer lms.authoring.preview_quiz")),
    "translation.option.feedback": F("lms.authoring.translate_question", "t-option-<id>-feedback",
                                     ("trainer lms.authoring.translate_question",)),
    # live sessions
    "session.address": F("lms.sessions.create", "address", ("trainee lms.sessions.detail", "trainer lms.sessions.edit")),
    "session.notes": F("lms.sessions.create", "notes", ("trainee lms.sessions.detail", "trainer lms.sessions.edit")),
    "session.cancel_reason": F("lms.sessions.cancel", "reason", ("None lms.sessions.detail",)),
    "report.participant_name": F("lms.sessions.import_report", "name (CSV cell of a Zoom report)", after=True),
    # hours
    "hours.external.title": F("lms.hours.submit_external", "title",
                              ("trainee lms.hours.mine", "trainee lms.hours.entry", "manager lms.hours.review",
                               "manager lms.hours.person_timesheet"),
                              ("manager lms.hours.download_payroll", "trainee lms.hours.my_transcript",
                               "manager lms.hours.checklist_csv", "manager lms.hours.checklist_pdf")),
    "hours.external.provider": F("lms.hours.submit_external", "provider",
                                 ("trainee lms.hours.entry", "manager lms.hours.review"),
                                 ("trainee lms.hours.my_transcript", "manager lms.hours.checklist_csv")),
    "hours.rejected.title": F("lms.hours.submit_external", "title", ("trainee lms.hours.mine", "manager lms.hours.review")),
    "hours.field.description": F("lms.hours.log_field", "description",
                                 ("trainee lms.hours.mine", "trainee lms.hours.entry", "manager lms.hours.review"),
                                 ("manager lms.hours.download_payroll", "manager lms.hours.checklist_csv")),
    "hours.field.supervisor_name": F("lms.hours.log_field", "supervisor_name",
                                     ("trainee lms.hours.entry", "manager lms.hours.review"),
                                     ("manager lms.hours.checklist_csv",)),
    "hours.field.supervisor_title": F("lms.hours.log_field", "supervisor_title",
                                      ("trainee lms.hours.entry", "manager lms.hours.review")),
    "hours.rejection_reason": F("lms.hours.reject", "reason",
                                ("trainee lms.hours.entry", "trainee lms.hours.mine", "manager lms.hours.review")),
    "hours.adjustment.description": F("lms.hours.adjust", "description",
                                      ("trainee lms.hours.mine", "manager lms.hours.review"),
                                      ("manager lms.hours.download_payroll",)),
    # certificates
    "certificate.issue_reason": F("lms.certificates.issue_hours", "reason"),  # kept in the audit log only
    "certificate.revoke_reason": F("lms.certificates.revoke", "reason",
                                   ("None lms.certificates.verify_page", "learner2 lms.certificates.mine"),
                                   ("download:bulk_csv",)),
    "verify.query": F("lms.certificates.verify_bulk", "codes", after=True),
    # personal tokens and text in query strings
    "token.name": F("lms.accounts.tokens", "name", ("trainee lms.accounts.tokens",)),
    "admin.search": F("lms.admin.users", "q (query string)", ("admin lms.admin.users",)),
    "verify.code": F("lms.certificates.verify_form", "code (query string)", ("None lms.certificates.verify_form",)),
}

#: Who walks the site, and which access policies they pass (see _injection.POLICIES).
EVERYONE = {None: None, "trainee": "user", "roster": "user", "learner2": "user", "manager": "manager",
            "trainer": "trainer", "admin": "admin"}
FEW = {None: None, "trainee": "user", "manager": "manager", "admin": "admin"}


@pytest.fixture
def app_config():
    return {"LMS_RATELIMIT_ENABLED": False}


@pytest.fixture
def build(app, client, u, make_user, mailbox):
    """``build(text)`` → the world made through the forms with ``text(key)`` in every typed field, and the browser."""

    def make(text):
        browser = Browser(client, u, PASSWORD)
        return WorldBuilder(app, browser, make_user, mailbox, text).build(), browser

    return make


def rotate(payloads: list[str], offset: int):
    """Field number i gets payload i + offset: every payload lands somewhere, every field gets a hostile one."""
    order = {key: n for n, key in enumerate(FIELDS)}

    def text(key: str) -> str:
        return f"{payloads[(order.get(key, len(order)) + offset) % len(payloads)]} [{key}]"

    return text


def visit(app, browser: Browser, world: World, people: dict) -> tuple[dict[tuple[str, str], list[Any]], list[Finding]]:
    """Walk every GET page (plus the extra URLs) as each person; check every answer; keep them by person and endpoint.
    Markdown is rendered, not escaped: for it the check is that nothing is active (and its editor escapes it, see
    test_lesson_markdown_is_sanitised_nothing_active)."""
    values = [value for key, value in world.texts.items() if not FIELDS[key].markdown]
    seen: dict[tuple[str, str], list[Any]] = {}
    findings: list[Finding] = []

    def check(role, endpoint, url, response):
        where = f"{role} GET {url}"
        if response.status_code >= 500:
            findings.append(Finding(where, f"status {response.status_code}"))
        findings.extend(response_findings(response, values, where))
        seen.setdefault((str(role), endpoint), []).append(response)

    for role, endpoint, url, response in walk(app, browser, people, world.args):
        check(role, endpoint, url, response)
    for role, endpoint, url in sorted(world.extra, key=lambda e: str(e[0])):
        if role == "trainee-es":
            browser.as_("trainee").send(browser.u("lms.main.set_language"), {"lang": "es"})
        elif role not in people:
            continue
        else:
            browser.as_(role)
        check(role, endpoint, url, browser.get(url))
    for key, page in world.after.items():
        findings.extend(html_findings(page, values, f"page after sending {key}"))
    for name, response in world.downloads.items():
        findings.extend(response_findings(response, values, f"download {name}"))
    return seen, findings


def missing(world: World, seen: dict[tuple[str, str], list[Any]], people: dict) -> list[str]:
    """Every place the table says a text shows, where it does not."""
    problems = []
    for key, spec in FIELDS.items():
        value = world.texts[key]
        if spec.after and not shows(world.after[key], value):
            problems.append(f"{key}: not shown right after sending {spec.form}")
        for place in spec.pages:
            role = place.split()[0]
            walked = role == "None" or role in people or role == "trainee-es"
            if walked and not any(_shown(r, value) for r in seen.get(tuple(place.split()), [])):
                problems.append(f"{key}: not shown on {place}")
        for place in spec.files:
            if place.startswith("download:"):
                found = [world.downloads[place.removeprefix("download:")]]
            elif place.split()[0] in people:
                found = seen.get(tuple(place.split()), [])
            else:
                continue
            if not any(_shown(r, value) for r in found):
                problems.append(f"{key}: not in the file {place}")
        if spec.mail and not any(value in body or value.strip() in body for body in world.mail):
            problems.append(f"{key}: in no email")
    return problems


def _shown(response: Any, value: str) -> bool:
    if response.status_code not in (200, 400):
        return False
    if response.mimetype == "application/pdf":
        return pdf_has(pdf_text(response.get_data()), value)
    if response.mimetype == "text/csv":
        return csv_has(response.get_data(), value)
    page = response.get_data(as_text=True)
    return shows(page, value) or shows(page, value.strip())


def mail_findings(world: World) -> list[Finding]:
    """Plain-text email carries text as typed: HTML escaping there shows entities to the reader."""
    return [Finding("email", f"HTML-escaped: {value!r}") for value in world.texts.values()
            if SPECIAL & set(value) for body in world.mail if escaped(value) in body and value not in body]


def report(findings: list[Finding], problems: list[str] = ()) -> str:
    lines = [str(f) for f in findings[:60]] + list(problems)[:60]
    return f"{len(findings)} findings, {len(problems)} missing:\n" + "\n".join(lines)


# ---------------------------------------------------------------- tests


def test_the_table_lists_every_field_the_builder_fills(build):
    world, _browser = build(lambda key: f"x [{key}]")
    assert sorted(world.texts) == sorted(FIELDS)


def test_the_exact_string_comes_back_escaped_exactly_once_everywhere(app, build):
    """``< > & &lt; &gt; &amp; ' \\' 碁 \\ \\\\`` in every field, every page walked by everyone."""
    world, browser = build(lambda key: f"{EXACT} [{key}]")
    seen, findings = visit(app, browser, world, EVERYONE)
    findings += mail_findings(world)
    problems = missing(world, seen, EVERYONE)
    assert not findings and not problems, report(findings, problems)
    profile = next(r for r in seen[("trainee", "lms.accounts.profile")] if r.status_code == 200)
    literal = r"&lt; &gt; &amp; &amp;lt; &amp;gt; &amp;amp; &#39; \&#39; 碁 \ \\"
    assert escaped(EXACT) == literal and literal in profile.get_data(as_text=True)


@pytest.mark.parametrize("offset", [0, 5, 10])
def test_script_and_template_payloads_never_run(app, build, offset):
    """Script tags, handlers, javascript: URLs, SVG, attribute breakouts, template syntax and CSS, rotated over the
    fields (each run puts a different payload in each field)."""
    world, browser = build(rotate(XSS, offset))
    seen, findings = visit(app, browser, world, FEW)
    problems = missing(world, seen, FEW)
    assert not findings and not problems, report(findings, problems)


def test_lesson_markdown_is_sanitised_nothing_active(app, build):
    """Every XSS payload at once in a lesson body and its translation: the reader, previews and editor have nothing
    active, and the editor shows the source escaped once."""
    body = "\n\n".join([*XSS, EXACT])
    world, browser = build(lambda key: body + f" [{key}]" if key.endswith(".body") else f"Text [{key}]")
    u = browser.u
    pages = [("trainee", u("lms.courses.lesson", course_slug="sample", module_slug="first", lesson_slug="intro")),
             ("trainer", u("lms.authoring.preview_lesson", course_slug="sample", module_slug="first", lesson_slug="intro")),
             ("trainer", u("lms.authoring.preview_lesson", course_slug="sample", module_slug="first", lesson_slug="intro")
              + "?preview_locale=es"),
             ("trainer", u("lms.authoring.edit_lesson", course_slug="sample", module_slug="first", lesson_slug="intro"))]
    for role, path in pages:
        page = browser.as_(role).page(path)
        assert active_content(page) == [], (path, active_content(page))
    editor = browser.page(pages[-1][1])
    assert escape(world.texts["lesson.body"]) in editor


@pytest.mark.parametrize("offset", [0, 3])
def test_csv_exports_hold_the_text_and_neutralise_formulas(app, build, offset):
    """Payroll export, bulk verification and the DHCS checklist: cells equal what was typed, and cells a spreadsheet
    would run (= + - @ tab CR) start with an apostrophe."""
    world, browser = build(rotate(FORMULAS, offset))
    values = list(world.texts.values())
    trainee = world.ids["trainee"]
    u = browser.u
    files = {"payroll": world.downloads["payroll"], "bulk": world.downloads["bulk_csv"],
             "draft": world.downloads["payroll_draft"]}
    browser.as_("manager")
    files["checklist"] = browser.get(u("lms.hours.checklist_csv", org_slug="acme", user_id=trainee))
    findings = []
    for name, response in files.items():
        assert response.status_code == 200 and response.mimetype == "text/csv", name
        findings += csv_findings(response.get_data(), values, name)
    assert not findings, report(findings)
    names = {"lms.hours.download_payroll": "payroll", "lms.hours.checklist_csv": "checklist", "download:bulk_csv": "bulk"}
    for key, spec in FIELDS.items():
        for place in spec.files:
            name = names.get(place.split()[-1])
            if name:
                assert csv_has(files[name].get_data(), world.texts[key]), (key, name)
            if name == "payroll":  # the draft, fetched before the export, holds the same lines
                assert csv_has(files["draft"].get_data(), world.texts[key]), (key, "draft")
