"""Helpers for the injection and fuzzing tests: payloads, a browser that signs in as the right role and sends real
forms, a parser for the forms on a page, a walk over every GET page of the app, and the checks that typed text comes
back escaped exactly once (HTML), as itself (JSON, iCalendar, PDF) or neutralised against formulas (CSV)."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from html import unescape
from html.parser import HTMLParser
from itertools import islice, product
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import escape

# ---------------------------------------------------------------- payloads

#: Every HTML-special character, entities that must stay text, quotes, backslashes (a classic of double escaping in
#: JSON and SQL) and a CJK character (fonts, encodings).
EXACT = r"< > & &lt; &gt; &amp; ' \' 碁 \ \\"

#: Script, handlers, URLs, SVG, attribute breakouts, template syntax and CSS. Short enough (≤ 42 characters) for the
#: tightest text field with a tag appended (employee IDs, 64 characters).
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "javascript:alert(1)//",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=javascript:alert(1)>",
    '" onmouseover="alert(1)" x="',
    "{{7*7}} ${7*7} {% raw %}{{x}}{% endraw %}",
    "{{ config }}{% print(1) %}",
    "</textarea><script>alert(1)</script>",
    "</title><style>*{color:red}</style>",
    '<div style="background:url(javascript:x)">',
    "expression(alert(1));}</style>@import'x';",
]

#: Cells a spreadsheet would run as formulas (OWASP CSV injection).
FORMULAS = ['=HYPERLINK("http://x.example","x")', "+1+2", "-3+4", "@SUM(1)", "\tTAB", "\rCR"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

SPECIAL = set("<>&'\"")


def escaped(text: str) -> str:
    """Jinja's escaping: & → &amp;, < → &lt;, > → &gt;, ' → &#39;, " → &#34;."""
    return str(escape(text))


def neutralised(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# ---------------------------------------------------------------- checks


@dataclass
class Finding:
    where: str
    problem: str
    context: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}" + (f"\n    …{self.context}…" if self.context else "")


def _around(page: str, needle: str, width: int = 80) -> str:
    at = page.find(needle)
    return page[max(0, at - width): at + len(needle) + width].replace("\n", "⏎") if at >= 0 else ""


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


ALLOWED_FRAMES = ("https://www.youtube-nocookie.com/", "https://player.vimeo.com/")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


#: The app's own scripts: a file of its static folder, loaded with ``defer`` and nothing inline (the select-all
#: checkbox of the approval queue, a progressive enhancement), at its content's version (lms.web.static_files).
OWN_SCRIPT = re.compile(r"(/training)?/static/[a-z-]+\.js\?v=[0-9a-f]{12}")


def _own_script(attrs: dict[str, str | None]) -> bool:
    return set(attrs) == {"src", "defer"} and OWN_SCRIPT.fullmatch(attrs["src"] or "") is not None


def active_content(page: str) -> list[str]:
    """Anything a browser would run or let style the page: the app's own templates have none of these (no inline
    scripts or styles; only its own script files, :func:`_own_script`), so every hit came from typed text."""
    parser = _Elements()
    parser.feed(page)
    problems = []
    for tag, attrs in parser.elements:
        if tag == "script" and _own_script(attrs):
            continue
        if tag in {"script", "style", "svg", "math", "object", "embed", "base", "applet"}:
            problems.append(f"<{tag}>")
        if tag == "iframe" and not (attrs.get("src") or "").startswith(ALLOWED_FRAMES):
            problems.append(f"<iframe src={attrs.get('src')}>")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                problems.append(f"<{tag} {name}=…>")
            url = re.sub(r"[\s\x00-\x1f]", "", unescape(value or "")).lower()
            if name in URL_ATTRIBUTES and url.startswith(("javascript:", "vbscript:", "data:text")):
                problems.append(f"<{tag} {name}={value}>")
    return problems


def html_findings(page: str, values: Iterable[str], where: str) -> list[Finding]:
    """Typed text on an HTML page must be there escaped once: never raw, never escaped twice."""
    found = [Finding(where, f"active content {problem}") for problem in active_content(page)]
    for value in values:
        if not SPECIAL & set(value):
            continue
        twice = escaped(escaped(value))
        if twice in page:
            found.append(Finding(where, f"escaped twice: {value!r}", _around(page, twice)))
        elif value in page:
            found.append(Finding(where, f"not escaped: {value!r}", _around(page, value)))
    return found


def shows(page: str, value: str) -> bool:
    """The page shows ``value`` as text (escaped once, so a browser displays exactly what was typed)."""
    return escaped(value) in page and value in unescape(page)


def json_findings(body: Any, values: Iterable[str], where: str) -> list[Finding]:
    """JSON carries text as itself: HTML escaping there would show entities to API users."""
    texts = list(_strings(body))
    found = []
    for value in (v for v in values if SPECIAL & set(v)):
        if any(escaped(value) in text for text in texts):
            found.append(Finding(where, f"HTML-escaped in JSON: {value!r}"))
    return found


def _strings(body: Any) -> Iterator[str]:
    if isinstance(body, str):
        yield body
    elif isinstance(body, dict):
        for key, item in body.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(body, list):
        for item in body:
            yield from _strings(item)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_findings(data: bytes, values: Iterable[str], where: str) -> list[Finding]:
    """A cell holding typed text equals it, neutralised with a leading apostrophe when a spreadsheet would run it;
    never HTML-escaped. Text is compared ignoring the surrounding whitespace the app may trim."""
    cells = [cell for row in csv_rows(data) for cell in row]
    found = []
    for value in values:
        for cell in cells:
            if escaped(value) != value and escaped(value) in cell:
                found.append(Finding(where, f"HTML-escaped in CSV: {cell!r}"))
            exact = {value, value.strip()}
            if (cell in exact or (cell.startswith("'") and cell[1:] in exact)) and cell not in {neutralised(v) for v in exact}:
                found.append(Finding(where, f"cell {cell!r} should be {neutralised(value)!r}"))
    for cell in cells:
        if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
            found.append(Finding(where, f"formula not neutralised: {cell!r}"))
    return _unique(found)


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_has(data: bytes, value: str) -> bool:
    """Some cell holds the typed text (neutralised if it starts like a formula; the app may trim it)."""
    wanted = {neutralised(value), neutralised(value.strip())}
    return any(cell in wanted or value.strip() in cell for row in csv_rows(data) for cell in row)


def _unique(findings: list[Finding]) -> list[Finding]:
    return list({str(f): f for f in findings}.values())


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    """PDF text extraction breaks lines and spaces where the layout did, and reports ligatures (ﬁ): compare the
    compatibility form without whitespace or control characters (pypdf reads letter-spaced runs with NULs between the
    letters), and fonts' ligature maps mix up ﬁ and ﬂ, so both read as f#."""
    return re.sub(r"f[il]", "f#", re.sub(r"[\s\x00-\x1f]+", "", unicodedata.normalize("NFKC", text)))


@functools.cache
def has_glyph(char: str) -> bool:
    """Whether any installed font can draw ``char`` (WeasyPrint draws a blank box otherwise)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return True
    result = subprocess.run([fc_list, f":charset={ord(char):x}", "family"], capture_output=True, text=True, check=False)
    return bool(result.stdout.strip())


def pdf_has(text: str, value: str) -> bool:
    """The extracted PDF text holds the typed characters (a character no installed font can draw may come out as
    anything: see :func:`has_glyph`)."""
    pattern = "".join(re.escape(c) if has_glyph(c) else ".{0,2}" for c in squeeze(value))
    return re.search(pattern, squeeze(text)) is not None


def pdf_findings(data: bytes, values: Iterable[str], where: str) -> list[Finding]:
    """A PDF shows the characters typed, never HTML entities for them."""
    text = pdf_text(data)
    found = []
    for value in (v for v in values if SPECIAL & set(v)):
        if pdf_has(text, escaped(value)) and not pdf_has(text, value):
            found.append(Finding(where, f"HTML entities in PDF text for {value!r}"))
    return found


def ics_findings(data: bytes, values: Iterable[str], where: str) -> list[Finding]:
    """iCalendar text is plain text (RFC 5545 escaping only): no HTML entities, and it parses."""
    import icalendar

    calendar = icalendar.Calendar.from_ical(data)
    texts = [str(value) for component in calendar.walk() for value in component.values() if isinstance(value, str)]
    found = []
    for value in (v for v in values if SPECIAL & set(v)):
        if any(escaped(value) in text for text in texts):
            found.append(Finding(where, f"HTML-escaped in iCalendar: {value!r}"))
    return found


def response_findings(response: Any, values: list[str], where: str) -> list[Finding]:
    kind = response.mimetype or ""
    data = response.get_data()
    if kind == "text/html":
        return html_findings(data.decode("utf-8"), values, where)
    if kind == "application/json":
        return json_findings(json.loads(data or b"null"), values, where)
    if kind == "text/csv":
        return csv_findings(data, values, where)
    if kind == "application/pdf":
        return pdf_findings(data, values, where)
    if kind == "text/calendar":
        return ics_findings(data, values, where)
    return []


# ---------------------------------------------------------------- forms on a page


@dataclass
class Control:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False
    selected: list[str] = field(default_factory=list)  # of a select-multiple


@dataclass
class PageForm:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)
    enctype: str = ""

    def names(self) -> list[str]:
        return list(dict.fromkeys(c.name for c in self.controls))

    def defaults(self) -> dict[str, Any]:
        """What a browser would send untouched (checked boxes, first or selected options, typed values)."""
        data: dict[str, Any] = {}
        for c in self.controls:
            if c.kind in ("submit", "button", "reset", "file", "image"):
                continue
            if c.kind in ("checkbox", "radio") and not c.checked:
                continue
            if c.kind == "select-multiple":
                data[c.name] = list(c.selected)
                continue
            data[c.name] = c.value
        return data


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._select: Control | None = None
        self._textarea: Control | None = None
        self._option: str | None = None
        self._option_selected = False
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(PageForm(a.get("action", ""), (a.get("method") or "get").lower(), enctype=a.get("enctype", "")))
            self._in_form = True
            return
        form = self.forms[-1] if self.forms and self._in_form else None
        if form is None:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            form.controls.append(Control(a["name"], kind, a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                                         checked="checked" in a))
        elif tag == "button" and a.get("name"):
            form.controls.append(Control(a["name"], "submit", a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = Control(a["name"], "select-multiple" if "multiple" in a else "select")
            form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            self._option_selected = "selected" in a
            if self._option is not None:
                self._add_option(self._option)
        elif tag == "textarea" and a.get("name"):
            self._textarea = Control(a["name"], "textarea")
            form.controls.append(self._textarea)

    def _add_option(self, value: str) -> None:
        assert self._select is not None
        self._select.options.append(value)
        if self._option_selected and self._select.kind == "select-multiple":
            self._select.selected.append(value)
        elif self._option_selected or len(self._select.options) == 1:
            self._select.value = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option":
            self._option = None


def page_forms(page: str) -> list[PageForm]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def post_forms(page: str) -> list[PageForm]:
    return [f for f in page_forms(page) if f.method == "post"]


# ---------------------------------------------------------------- a browser with roles


class Browser:
    """One test client that signs in as whoever should act next, and sends forms the way a browser would."""

    def __init__(self, client: Any, u: Callable[..., str], password: str) -> None:
        self.client, self.u, self.password = client, u, password
        self.who: str | None = None
        self.emails: dict[str, str] = {}

    def as_(self, role: str | None) -> Browser:
        if role == self.who:
            return self
        if self.who is not None:
            self.client.submit(self.u("lms.accounts.logout"))
        if role is not None:
            response = self.client.submit(self.u("lms.accounts.login"),
                                          {"email": self.emails[role], "password": self.password})
            assert response.status_code == 302, f"cannot sign in as {role}: {response.status_code}"
        self.who = role
        return self

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def page(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:2000])
        return response.get_data(as_text=True)

    def send(self, path: str, data: dict[str, Any] | None = None, expect: int | None = 302, **kwargs: Any) -> Any:
        """POST with the CSRF token; ``expect`` the status (302 by default: the form was accepted)."""
        response = self.client.submit(path, data or {}, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (
                f"{self.who} POST {path}: {response.status_code}, expected {expect}\n"
                + _errors_of(response.get_data(as_text=True)))
        return response

    def form_on(self, path: str, names: Iterable[str] = (), action: str | None = None) -> PageForm:
        """The POST form on the page at ``path`` that has all these ``names`` (and posts to ``action`` if given)."""
        wanted = set(names)
        forms = [f for f in post_forms(self.page(path)) if wanted <= set(f.names())
                 and (action is None or (f.action or path).split("?")[0].endswith(action))]
        assert forms, f"no form with {sorted(wanted)} on {path} (as {self.who})"
        return forms[0]

    def fill(self, path: str, values: dict[str, Any], *, action: str | None = None, expect: int | None = 302,
             **kwargs: Any) -> Any:
        """Open the page, take the form that has these fields, keep what a browser would send for the others, change
        these, and send it to the form's action."""
        form = self.form_on(path, [k for k in values if not k.startswith("+")], action)
        data = form.defaults()
        data.update({k.lstrip("+"): v for k, v in values.items()})
        data = {k: v for k, v in data.items() if v is not None}
        return self.send(form.action or path, data, expect, **kwargs)

    def follow(self, response: Any) -> str:
        location = response.headers["Location"]
        return self.page(location)


def _errors_of(page: str) -> str:
    errors = re.findall(r'class="error[^"]*"[^>]*>(.*?)</', page, re.S)
    return "errors: " + " | ".join(unescape(e).strip() for e in errors) if errors else page[:3000]


# ---------------------------------------------------------------- walking every GET page


def get_rules(app: Any) -> list[Any]:
    return sorted((r for r in app.url_map.iter_rules()
                   if r.endpoint.startswith("lms.") and "GET" in r.methods and r.endpoint != "lms.main.static"),
                  key=lambda r: r.endpoint)


def urls_for(app: Any, rule: Any, args: dict[str, list[Any]], limit: int = 12) -> list[str] | None:
    """URLs of ``rule`` for the known values of its arguments (None when an argument has no known value)."""
    from flask import url_for

    names = sorted(rule.arguments)
    if any(not args.get(name) for name in names):
        return None
    combos = islice(product(*(args[name] for name in names)), limit)
    with app.test_request_context():
        return [url_for(rule.endpoint, **dict(zip(names, combo, strict=True))) for combo in combos]


#: Which access policies each kind of person passes (the rest answer 401/403 and show nothing typed).
POLICIES = {
    None: {"public"},
    "user": {"public", "signed_in"},
    "manager": {"public", "signed_in", "org_manager"},
    "trainer": {"public", "signed_in", "trainer", "role:trainer"},
    "admin": None,  # everything
}


def may_visit(app: Any, kind: str | None, endpoint: str) -> bool:
    allowed = POLICIES[kind]
    policy = getattr(app.view_functions[endpoint], "_lms_access", None)
    return allowed is None or policy is None or policy.name in allowed or (
        kind == "trainer" and policy.name.startswith("role:") and "trainer" in policy.name)


def walk(app: Any, browser: Browser, roles: dict[str | None, str | None], args: dict[str, list[Any]],
         skip: Iterable[str] = ()) -> Iterator[tuple[str | None, str, str, Any]]:
    """Every GET page of the LMS each person may open: (person, endpoint, url, response). ``roles`` maps a person
    to their kind (a key of :data:`POLICIES`); pages whose URL needs an argument with no known value are skipped."""
    skipped = set(skip)
    for role, kind in roles.items():
        browser.as_(role)
        for rule in get_rules(app):
            if rule.endpoint in skipped or not may_visit(app, kind, rule.endpoint):
                continue
            for url in urls_for(app, rule, args) or []:
                yield role, rule.endpoint, url, browser.get(url)


# ---------------------------------------------------------------- a world built only through the forms

LA = "America/Los_Angeles"


def local_today() -> date:
    """Today where the organisation (and everyone in these tests) is: hours dated "today" in UTC can be tomorrow."""
    return datetime.now(ZoneInfo(LA)).date()


@dataclass
class World:
    """What the form-built world made: every typed text by key, the pages seen right after a form was sent (for
    texts only shown in a flash message), URL arguments for the walk, and extra URLs (with query strings)."""

    texts: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    args: dict[str, list[Any]] = field(default_factory=dict)
    extra: list[tuple[str | None, str, str]] = field(default_factory=list)
    ids: dict[str, Any] = field(default_factory=dict)
    downloads: dict[str, Any] = field(default_factory=dict)
    args_extra: dict[str, list[Any]] = field(default_factory=dict)
    mail: list[str] = field(default_factory=list)


class WorldBuilder:
    """Builds organisations, people, a course with quiz and translation, live sessions, hours and certificates by
    sending the real forms as the right person, with ``text(key)`` in every field a person types."""

    def __init__(self, app: Any, browser: Browser, make_user: Callable[..., Any], mailbox: list[Any],
                 text: Callable[[str], str], markdown: Callable[[str], str] | None = None) -> None:
        self.app, self.b, self.u, self.make_user, self.mailbox = app, browser, browser.u, make_user, mailbox
        self.world = World()
        self._text, self._markdown = text, markdown or text

    def text(self, key: str, limit: int | None = None, no_links: bool = False) -> str:
        """The text typed into the field ``key`` (cut to ``limit`` characters for a short field; with ``no_links``,
        for a field that refuses web addresses, without "://")."""
        value = self._text(key)[:limit]
        if no_links:
            value = value.replace("://", ":")
        self.world.texts[key] = value
        return value

    def markdown(self, key: str) -> str:
        value = self._markdown(key)
        self.world.texts[key] = value
        return value

    def build(self) -> World:
        for step in (self.people, self.organisation, self.staff, self.roster, self.course, self.translations,
                     self.learning, self.sessions, self.hours, self.payroll, self.certificates, self.tokens,
                     self.reflected):
            step()
        self.world.args = {**self.args(), **self.world.args_extra}
        self.world.mail = [m.get_body(preferencelist=("plain",)).get_content() for m in self.mailbox]
        return self.world

    # -- people and organisations

    def people(self) -> None:
        from lms.accounts.models import SiteRole

        b = self.b
        for role, site_role in (("admin", SiteRole.ADMIN), ("trainer", SiteRole.TRAINER), ("manager", SiteRole.TRAINEE),
                                ("learner2", SiteRole.TRAINEE)):
            user = self.make_user(f"{role}@example.org", name=role.title(), role=site_role)
            b.emails[role] = user.email
            self.world.ids[role] = user.id
        b.as_(None)
        from tests.conftest import PASSWORD

        response = b.fill(self.u("lms.accounts.signup"), {
            "name": self.text("signup.name"), "email": "trainee@example.org", "password": PASSWORD,
            "confirm": PASSWORD, "agree": "y"})
        b.emails["trainee"] = "trainee@example.org"
        b.follow(response)  # "Check your email": signing up signs nobody in
        b.send(self._emailed_link("trainee@example.org", "/signup/confirm/"), {"password": PASSWORD}, expect=303)
        b.as_("trainee")
        self.world.after["signup.name"] = b.page(self.u("lms.main.home"))
        b.fill(self.u("lms.accounts.profile"), {"name": self.text("profile.name")})
        self.world.ids["trainee"] = self._user_id("trainee@example.org")

    def organisation(self) -> None:
        b = self.b.as_("manager")
        response = b.fill(self.u("lms.orgs.create"), {
            "name": self.text("org.create.name"), "slug": "acme", "pay_period": "weekly",
            "pay_period_anchor": "2024-01-01", "pay_rate": "20.00", "ce_minimum_hours": "6"})
        self.world.after["org.create.name"] = b.follow(response)
        # An organisation's name may hold no web address (it goes into invitations): the payload without its "://"
        b.fill(self.u("lms.orgs.settings", org_slug="acme"), {"name": self.text("org.name", no_links=True)})

    def staff(self) -> None:
        b = self.b.as_("manager")
        b.fill(self.u("lms.orgs.invite", org_slug="acme"), {"email": "trainee@example.org", "name": "Trainee"})
        link = self._invitation_link("trainee@example.org")
        b.as_("trainee").send(link, {"agree": "y"})
        membership_id = self._membership_id("trainee@example.org")
        self.world.ids["membership"] = membership_id
        b.as_("manager").fill(self.u("lms.orgs.member", org_slug="acme", membership_id=membership_id), {
            "job_title": self.text("member.job_title"), "employee_id": self.text("member.employee_id"),
            "employment_start": "2024-01-01"})
        b.fill(self.u("lms.orgs.invite", org_slug="acme"), {
            "email": "pending@example.org", "name": self.text("invite.name"),
            "job_title": self.text("invite.job_title"), "employee_id": self.text("invite.employee_id")})

    def roster(self) -> None:
        """One roster row is accepted by a new person (who types their name on the invitation's sign-up form), the
        other stays an open invitation."""
        b = self.b.as_("manager")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["email", "name", "employee_id", "job_title", "employment_start", "employment_type", "role"])
        writer.writerow(["roster@example.org", self.text("roster.name"), self.text("roster.employee_id"),
                         self.text("roster.job_title"), "2024-02-01", "contractor", "member"])
        writer.writerow(["waiting@example.org", self.text("roster.waiting.name"), "", "", "", "", ""])
        b.fill(self.u("lms.orgs.roster_import", org_slug="acme"),
               {"file": (io.BytesIO(buffer.getvalue().encode("utf-8")), "roster.csv")},
               content_type="multipart/form-data")
        link = self._invitation_link("roster@example.org")
        self.world.args_extra["token"] = [link.rsplit("/", 1)[1], self._invitation_link("waiting@example.org").rsplit("/", 1)[1]]
        b.as_(None)
        self.world.after["roster.name"] = b.page(link)
        from tests.conftest import PASSWORD

        response = b.fill(link, {"name": self.text("invitation.signup.name"), "password": PASSWORD, "confirm": PASSWORD,
                                 "agree": "y"})
        b.emails["roster"] = "roster@example.org"
        b.who = "roster"
        self.world.after["invitation.signup.name"] = b.follow(response)
        self.world.ids["roster"] = self._user_id("roster@example.org")
        self.world.ids["roster_membership"] = self._membership_id("roster@example.org")

    # -- the course

    def course(self) -> None:
        b = self.b.as_("trainer")
        b.fill(self.u("lms.authoring.new_course"), {
            "slug": "sample", "title": self.text("course.title"), "summary": self.text("course.summary"),
            "version": self.text("course.version", limit=32), "source_locale": "en"})
        b.fill(self.u("lms.authoring.new_module", course_slug="sample"), {
            "slug": "first", "title": self.text("module.title"), "summary": self.text("module.summary"),
            "credited_minutes": "60"})
        b.fill(self.u("lms.authoring.new_module", course_slug="sample"), {
            "slug": "live", "title": "Live practice", "kind": "live", "credited_minutes": "120", "is_required": None})
        b.fill(self.u("lms.authoring.new_lesson", course_slug="sample", module_slug="first"), {
            "slug": "intro", "title": self.text("lesson.title"), "body": self.markdown("lesson.body"),
            "estimated_minutes": "5", "+save": "Save lesson"})
        b.fill(self.u("lms.authoring.quiz", course_slug="sample", module_slug="first"), {
            "title": self.text("quiz.title"), "pass_mark": "50"})
        b.fill(self.u("lms.authoring.new_question", course_slug="sample", module_slug="first"), {
            "prompt": self.text("question.prompt"), "kind": "single",
            "options-0-text": self.text("option.text"), "options-0-is_correct": "y",
            "options-0-feedback": self.text("option.feedback"),
            "options-1-text": "Another answer", "options-1-feedback": "Not this one"})
        b.send(self.u("lms.authoring.set_status", course_slug="sample"), {"status": "published", "confirm": "yes"})
        self.world.ids["question"] = self._question_id()

    def translations(self) -> None:
        """Every translatable field of the course, module, lesson and question, in Spanish, through the editor."""
        b = self.b.as_("trainer")
        pages = [self.u("lms.authoring.translate", course_slug="sample", locale="es"),
                 self.u("lms.authoring.translate_module", course_slug="sample", locale="es", module_slug="first"),
                 self.u("lms.authoring.translate_lesson", course_slug="sample", locale="es", module_slug="first",
                        lesson_slug="intro"),
                 self.u("lms.authoring.translate_question", course_slug="sample", locale="es", module_slug="first",
                        question_id=self.world.ids["question"])]
        for path in pages:
            form = next((f for f in post_forms(b.page(path)) if any(n.startswith("t-") for n in f.names())), PageForm("", ""))
            values = {}
            for name in form.names():
                match = re.fullmatch(r"t-(\w+)-\d+-(\w+)", name)
                if match:
                    kind, field_name = match.groups()
                    key = f"translation.{kind}.{field_name}"
                    values[name] = self.markdown(key) if (kind, field_name) == ("lesson", "body") else self.text(key)
            assert values, f"no translatable fields on {path}"
            b.fill(path, values)

    def learning(self) -> None:
        b = self.b.as_("trainee")
        b.send(self.u("lms.courses.enroll", course_slug="sample"), {})
        b.page(self.u("lms.courses.lesson", course_slug="sample", module_slug="first", lesson_slug="intro"))
        b.send(self.u("lms.courses.complete", course_slug="sample", module_slug="first", lesson_slug="intro"), {})
        quiz = self.u("lms.courses.quiz", course_slug="sample", module_slug="first")
        answer = {f"q{self.world.ids['question']}": str(self._correct_option_id())}
        b.fill(quiz, answer)

    # -- live sessions

    def sessions(self) -> None:
        b = self.b.as_("trainer")
        create = self.u("lms.sessions.create")
        module_id = self._module_id("live")
        common = {"module": str(module_id), "start_time": "18:00", "end_time": "20:00", "timezone": LA, "locale": "en",
                  "mode": "hybrid", "join_url": "https://meet.example.org/x", "capacity": "8", "repeat": "1"}
        response = b.fill(create, {**common, "starts_on": (local_today() + timedelta(days=9)).isoformat(),
                                   "address": self.text("session.address"), "notes": self.text("session.notes")})
        session_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        response = b.fill(create, {**common, "mode": "online",
                                   "starts_on": (local_today() + timedelta(days=10)).isoformat()})
        cancelled_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        b.fill(self.u("lms.sessions.cancel", session_id=cancelled_id), {"reason": self.text("session.cancel_reason")})
        self.world.ids.update(session=session_id, cancelled_session=cancelled_id)
        day = (local_today() + timedelta(days=9)).strftime("%m/%d/%Y")
        report = io.StringIO()
        writer = csv.writer(report, lineterminator="\r\n")
        writer.writerow(["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)"])
        writer.writerow([self.text("report.participant_name"), "nobody@example.org", f"{day} 06:05:00 PM",
                         f"{day} 07:55:00 PM", "110"])
        response = b.fill(self.u("lms.sessions.import_report", session_id=session_id),
                          {"file": (io.BytesIO(report.getvalue().encode("utf-8")), "participants.csv")},
                          content_type="multipart/form-data", expect=200)
        self.world.after["report.participant_name"] = response.get_data(as_text=True)
        b.as_("trainee").send(self.u("lms.sessions.register", session_id=session_id), {})

    # -- hours

    def hours(self) -> None:
        b = self.b.as_("trainee")
        today = local_today().isoformat()
        b.fill(self.u("lms.hours.submit_external"), {
            "title": self.text("hours.external.title"), "provider": self.text("hours.external.provider"),
            "activity_date": today, "hours": "1", "minutes": "30"})
        b.fill(self.u("lms.hours.submit_external"), {
            "title": self.text("hours.rejected.title"), "activity_date": today, "hours": "0", "minutes": "45"})
        b.fill(self.u("lms.hours.log_field"), {
            "description": self.text("hours.field.description"), "supervisor_name": self.text("hours.field.supervisor_name"),
            "supervisor_title": self.text("hours.field.supervisor_title"), "activity_date": today, "hours": "2",
            "minutes": "0"})
        entries = self._entries()
        self.world.ids["entries"] = entries
        b.as_("manager")
        for key in ("external", "field"):
            b.send(self.u("lms.hours.approve", org_slug="acme", entry_id=entries[key]), {})
        b.fill(self.u("lms.hours.review", org_slug="acme", entry_id=entries["rejected"]),
               {"reason": self.text("hours.rejection_reason")})
        response = b.fill(self.u("lms.hours.adjust", org_slug="acme", membership_id=self.world.ids["membership"]), {
            "minutes": "30", "description": self.text("hours.adjustment.description"), "approve_now": "y",
            "activity_date": today})
        self.world.ids["entries"]["adjustment"] = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def payroll(self) -> None:
        b = self.b.as_("manager")
        self.world.downloads["payroll_draft"] = b.get(self.u("lms.hours.draft_payroll", org_slug="acme"))
        response = b.fill(self.u("lms.hours.org_timesheet", org_slug="acme"), {"confirm": "yes", "early": "yes"},
                          action="/timesheets/export")
        # the export leads to the period's page (?start=<period start>#payroll-heading), which offers the file
        location = response.headers["Location"]
        self.world.ids["period_start"] = location.split("start=", 1)[1].split("#", 1)[0]
        self.world.downloads["payroll"] = b.get(self.u("lms.hours.download_payroll", org_slug="acme",
                                                       start=self.world.ids["period_start"]))

    # -- certificates

    def certificates(self) -> None:
        from lms.certificates.codes import display

        b = self.b.as_("trainer")
        chosen = b.fill(self.u("lms.certificates.issue"), {"email": "learner2@example.org", "course": "sample"})
        b.fill(chosen.headers["Location"], {"self_paced_hours": "1.5", "reason": self.text("certificate.issue_reason")},
               expect=200)
        codes = self._certificate_codes()
        self.world.ids["codes"] = {who: display(code) for who, code in codes.items()}
        assert {"trainee", "learner2"} <= set(codes), f"certificates: {codes}"
        b.as_("admin").fill(self.u("lms.certificates.revoke", code=self.world.ids["codes"]["learner2"]),
                            {"reason": self.text("certificate.revoke_reason")})
        b.as_(None)
        queries = f"{self.text('verify.query')}\n{self.world.ids['codes']['trainee']}\n{self.world.ids['codes']['learner2']}"
        path = self.u("lms.certificates.verify_bulk")
        self.world.after["verify.query"] = b.fill(path, {"codes": queries}, expect=200).get_data(as_text=True)
        self.world.downloads["bulk_csv"] = b.fill(path, {"codes": queries, "+format": "csv"}, expect=200)

    def tokens(self) -> None:
        b = self.b.as_("trainee")
        b.follow(b.fill(self.u("lms.accounts.tokens"), {"name": self.text("token.name")}, expect=303))  # shown once

    def reflected(self) -> None:
        """Text typed into query strings and shown back, previews in each language, and the learner's pages in
        Spanish (person ``trainee-es``: the trainee after switching the language)."""
        from urllib.parse import urlencode

        u = self.u
        self.world.extra += [
            ("admin", "lms.admin.users", u("lms.admin.users") + "?" + urlencode({"q": self.text("admin.search")})),
            (None, "lms.certificates.verify_form",
             u("lms.certificates.verify_form") + "?" + urlencode({"code": self.text("verify.code")})),
        ]
        for locale in ("en", "es"):
            for endpoint, values in (("preview", {}), ("preview_lesson", {"module_slug": "first", "lesson_slug": "intro"}),
                                     ("preview_quiz", {"module_slug": "first"})):
                self.world.extra.append(("trainer", f"lms.authoring.{endpoint}", u(
                    f"lms.authoring.{endpoint}", course_slug="sample", **values) + f"?preview_locale={locale}"))
        for endpoint, values in (("catalog", {}), ("course", {"course_slug": "sample"}),
                                 ("lesson", {"course_slug": "sample", "module_slug": "first", "lesson_slug": "intro"}),
                                 ("quiz_result", {"course_slug": "sample", "module_slug": "first"})):
            self.world.extra.append(("trainee-es", f"lms.courses.{endpoint}", u(f"lms.courses.{endpoint}", **values)))

    # -- the walk

    def args(self) -> dict[str, list[Any]]:
        ids = self.world.ids
        return {
            "course_slug": ["sample"], "module_slug": ["first", "live"], "lesson_slug": ["intro"],
            "question_id": [ids["question"]], "locale": ["es"], "org_slug": ["acme"],
            "membership_id": [ids["membership"], ids["roster_membership"]],
            "user_id": [ids["trainee"], ids["roster"]],
            "entry_id": sorted(ids["entries"].values()), "start": [ids["period_start"]],
            "session_id": [ids["session"], ids["cancelled_session"]],
            "code": sorted(ids["codes"].values()),
        }

    # -- looking things up (ids the pages hold in links)

    def _user_id(self, email: str) -> int:
        from sqlalchemy import select

        from lms import db
        from lms.accounts.models import User

        return db.session.execute(select(User.id).where(User.email == email)).scalar_one()

    def _membership_id(self, email: str) -> int:
        from sqlalchemy import select

        from lms import db
        from lms.accounts.models import User
        from lms.orgs.models import Membership

        return db.session.execute(select(Membership.id).join(User, User.id == Membership.user_id)
                                  .where(User.email == email)).scalar_one()

    def _invitation_link(self, email: str) -> str:
        return self._emailed_link(email, "/orgs/invitations/")

    def _emailed_link(self, email: str, path: str) -> str:
        """The path of the last link to ``path...`` emailed to ``email``."""
        from urllib.parse import urlsplit

        message = next(m for m in reversed(self.mailbox) if m["To"] == email)
        body = message.get_body(preferencelist=("plain",)).get_content()
        url = re.search(r"https?://\S+" + re.escape(path) + r"\S+", body).group(0)
        return urlsplit(url).path

    def _module_id(self, slug: str) -> int:
        from sqlalchemy import select

        from lms import db
        from lms.catalog.models import Module

        return db.session.execute(select(Module.id).where(Module.slug == slug)).scalar_one()

    def _question_id(self) -> int:
        from sqlalchemy import select

        from lms import db
        from lms.catalog.models import Question

        return db.session.execute(select(Question.id)).scalar_one()

    def _correct_option_id(self) -> int:
        from sqlalchemy import select

        from lms import db
        from lms.catalog.models import Option

        return db.session.execute(select(Option.id).where(Option.is_correct.is_(True))).scalar_one()

    def _entries(self) -> dict[str, int]:
        from sqlalchemy import select

        from lms import db
        from lms.hours.models import EntrySource, HoursEntry

        rows = db.session.execute(select(HoursEntry).order_by(HoursEntry.id)).scalars().all()
        external = [e.id for e in rows if e.source is EntrySource.EXTERNAL]
        field_entries = [e.id for e in rows if e.source is EntrySource.FIELD]
        return {"external": external[0], "rejected": external[1], "field": field_entries[0]}

    def _certificate_codes(self) -> dict[str, str]:
        from sqlalchemy import select

        from lms import db
        from lms.certificates.models import Certificate

        who = {self.world.ids["trainee"]: "trainee", self.world.ids["learner2"]: "learner2"}
        return {who[c.user_id]: c.code for c in db.session.execute(select(Certificate)).scalars() if c.user_id in who}


# ---------------------------------------------------------------- a quick world made by the services (for fuzzing)


def seed(make_user: Callable[..., Any], make_org: Callable[..., Any], add_member: Callable[..., Any]) -> dict[str, Any]:
    """People in every role, organisation ``acme`` with the trainee on its staff, a published course (module
    ``first`` with lesson ``intro`` and a one-question quiz, live module ``live``), the trainee enrolled, a live
    session next week with the trainee registered, pending hours entries and the trainee's certificate.

    Returns the users by role and the ids forms and pages need."""
    from lms import db
    from lms.accounts import api_tokens, password_reset
    from lms.accounts.models import SiteRole
    from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
    from lms.catalog import services as catalog
    from lms.catalog.models import CourseStatus, ModuleKind, QuestionKind
    from lms.certificates import issuance
    from lms.certificates.codes import display
    from lms.enrollment import services as enrollments
    from lms.hours import external_training
    from lms.live import registration, scheduling
    from lms.live.models import SessionMode
    from lms.orgs import invitations
    from lms.orgs import services as orgs
    from lms.orgs.models import MemberRole

    users = {"manager": make_user("manager@example.org", name="Manager"),
             "trainer": make_user("trainer@example.org", name="Trainer", role=SiteRole.TRAINER),
             "admin": make_user("admin@example.org", name="Admin", role=SiteRole.ADMIN),
             "trainee": make_user("trainee@example.org", name="Trainee"),
             "learner2": make_user("learner2@example.org", name="Learner Two")}
    org = make_org("acme", manager=users["manager"])
    staff = add_member(org, users["trainee"], MemberRole.MEMBER, employee_id="E1", job_title="CHW")
    trainer = users["trainer"]
    course = course_authoring.create_course(course_authoring.CourseData(slug="sample", title="Sample", summary="About"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="first", title="First"), trainer)
    lesson_authoring.add_lesson(course, module, "intro", "Introduction", "Some *text*.", 5, trainer)
    live = module_authoring.add_module(course, module_authoring.ModuleData(slug="live", title="Live", kind=ModuleKind.LIVE,
                                                         is_required=False), trainer)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Check", pass_mark=50, max_attempts=None, actor=trainer)
    question = quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="Pick one",
                                     options=[quiz_authoring.OptionData("a", "Right", True, "Yes"),
                                              quiz_authoring.OptionData("b", "Wrong", False, "No")], actor=trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    enrollments.enroll(users["trainee"], course)
    session, = scheduling.create_sessions(scheduling.SessionData(
        module_id=live.id, starts_on=local_today() + timedelta(days=8), start_time=time(18, 0), minutes=120,
        timezone=LA, locale="en", mode=SessionMode.HYBRID, capacity=10, address="1200 Main Street",
        join_url="https://meet.example.org/x", trainer_ids=(trainer.id,)), 1, trainer)
    from lms.db import utcnow

    registration.register(session, users["trainee"], users["trainee"], utcnow())
    entries = [external_training.submit_external(users["trainee"], external_training.ExternalTraining(
        title=f"Workshop {n}", activity_date=local_today(), minutes=60, provider="County"), f"seed-{n}")[0]
        for n in range(3)]
    certificate = issuance.issue_manually(users["learner2"], course, users["admin"], "Seeded",
                                          issuance.TrainingMinutes(self_paced=60))
    _token, raw = api_tokens.create_api_token(users["manager"], "fuzz")
    invitation, invitation_token = invitations.invite(org, "invitee@example.org", "Invitee", orgs.Employment(),
                                               users["manager"], 14)
    db.session.commit()
    return {
        "users": users, "org": org, "membership_id": staff.id, "course": course, "question_id": question.id,
        "quiz_option_ids": [o.id for _q, options in catalog.load_questions(quiz) for o in options],
        "session_id": session.id, "entry_ids": [e.id for e in entries], "code": display(certificate.code),
        "api_token": raw, "invitation_token": invitation_token, "invitation_id": invitation.id,
        "reset_token": password_reset.make_reset_token(users["trainee"], _secret()),
    }


def _secret() -> str:
    from flask import current_app

    return current_app.config["SECRET_KEY"]
