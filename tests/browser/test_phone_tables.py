"""The training-hours tables on a 390 by 844 phone: each row a card whose cells are labelled with their column's
header (in the reader's language), so neither the page nor a table scrolls sideways; still a table to assistive
technology; the approval queue's checkboxes and buttons still work with the keyboard; no overlap at 200% zoom; and on
a 1280-pixel desktop the same tables are ordinary tables."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.hours import approvals, export, external_training
from lms.hours.models import EntryStatus, HoursEntry
from lms.orgs import services as orgs
from lms.orgs.services import Employment
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, sign_in
from tests.browser.helpers import es, new_person

pytestmark = pytest.mark.browser

SLUG = "tablas-telefono"
#: A pay period of the organisation's default schedule (every two weeks from Monday 5 January 2026): fixed dates, so
#: nothing depends on today.
PERIOD = date(2026, 1, 5)
#: A title as long as real ones get, with a web address that cannot wrap at a space.
LONG_TITLE = ("Capacitación del Departamento de Servicios de Atención Médica "
              "(https://www.dhcs.ca.gov/services/medi-cal/Pages/CommunityHealthWorkerPreventiveServices.aspx)")
MANAGER, TRAINEE = "rosa.tablas@example.org", "ana.tablas@example.org"


@pytest.fixture(scope="module")
def clinic(live_server):
    """An organisation of its own: Rosa, its manager, and Ana, a promotora, both reading in Spanish. Ana's hours in
    the pay period of 5 January 2026: two approved, one rejected with a reason, two waiting (one with a long
    title); the period was exported to payroll."""
    with live_server.data():
        rosa = new_person(MANAGER, "Rosa Gerente", locale="es")
        org = orgs.create_org(SLUG, orgs.OrgSettings(name="Clínica de las Tablas", training_pay_rate_cents=2450,
                                                pay_period_anchor=date(2026, 1, 5)), rosa)
        ana = new_person(TRAINEE, "Ana Tablas", locale="es")
        orgs.add_member(org, ana, Employment("E-3901", "Promotora de salud", date(2025, 1, 6)), actor=rosa)

        def external(key: str, day: int, title: str, minutes: int) -> HoursEntry:
            data = external_training.ExternalTraining(title=title, activity_date=date(2026, 1, day), minutes=minutes,
                                                      provider="Clínica del Valle", org_id=org.id)
            return external_training.submit_external(ana, data, f"phone-tables-{key}")[0]

        approvals.approve(external("cpr", 6, "Primeros auxilios y RCP", 240), rosa)
        approvals.approve(external("interview", 7, "Entrevista motivacional", 90), rosa)
        approvals.reject(external("diabetes", 8, "Taller de diabetes", 90), rosa, "Falta la constancia de asistencia.")
        waiting = [external("long", 9, LONG_TITLE, 120).id, external("food", 12, "Nutrición para la familia", 60).id]
        export.export_period(org, PERIOD, rosa, today=date(2026, 2, 1))
        return {"ana": ana.id, "waiting": waiting}


def _pages(clinic) -> list[tuple[str, list[str]]]:
    """(who, pages with hours tables)."""
    start = PERIOD.isoformat()
    return [
        (TRAINEE, ["/hours/", f"/hours/my/periods?start={start}", "/hours/my/summary"]),
        (MANAGER, [f"/hours/orgs/{SLUG}/queue", f"/hours/orgs/{SLUG}/timesheets?start={start}",
                   f"/hours/orgs/{SLUG}/timesheets/{clinic['ana']}?start={start}", f"/hours/orgs/{SLUG}/payroll",
                   f"/hours/orgs/{SLUG}/compliance"]),
    ]


#: Each table in main: whether it (or the page) scrolls sideways, whether it is one that turns into cards, how it is
#: laid out, whether its header row shows, and each body and footer cell with its column's header, its own label and
#: the label drawn before it.
_TABLES = """() => {
    const page = document.documentElement;
    const tables = [...document.querySelectorAll('main table')].map(table => {
        const wrap = table.closest('.table-wrap') || table;
        const headers = [...table.querySelectorAll(':scope > thead > tr > th')].map(th => th.textContent.trim());
        const head = table.querySelector(':scope > thead').getBoundingClientRect();
        const cells = [...table.querySelectorAll(':scope > tbody > tr > *, :scope > tfoot > tr > *')].map(cell => {
            const drawn = getComputedStyle(cell, '::before').content.match(/^"((?:[^"\\\\]|\\\\.)*)"/);
            const column = [...cell.parentElement.children].indexOf(cell);
            return {header: cell.closest('tfoot') ? null : headers[column], label: cell.dataset.label ?? null,
                    drawn: drawn && drawn[1],
                    blank: !cell.textContent.trim() && !cell.querySelector('input, a, button'),
                    text: cell.textContent.trim().slice(0, 40)};
        });
        return {caption: (table.caption?.textContent || '').trim().slice(0, 40), stacked: table.matches('.stacked'),
                display: getComputedStyle(table).display,
                row: getComputedStyle(table.querySelector('tbody > tr')).display, headShown: head.height > 1,
                sideways: wrap.scrollWidth > wrap.clientWidth + 1, cells};
    });
    return {width: window.innerWidth, sideways: page.scrollWidth > window.innerWidth, tables};
}"""


def _label_problems(path: str, found: dict) -> list[str]:
    """On a phone: no sideways scrolling; in a wide table, each row a card, the header row hidden, and every cell
    that shows anything labelled with exactly its column's header (two-column tables fit as they are)."""
    problems = []
    if found["width"] != PHONE["width"] or found["sideways"]:
        problems.append(f"{path}: the page scrolls sideways")
    for table in found["tables"]:
        name = f"{path} ({table['caption']})"
        if table["sideways"]:
            problems.append(f"{name}: the table scrolls sideways")
        if not table["stacked"]:
            continue
        if table["display"] == "table" or table["row"] == "table-row" or table["headShown"]:
            problems.append(f"{name}: laid out as a table ({table['display']}, {table['row']})")
        for cell in table["cells"]:
            if cell["header"] is not None and cell["label"] != cell["header"]:
                problems.append(f"{name}: {cell['text']!r} labelled {cell['label']!r}, not {cell['header']!r}")
            if not cell["blank"] and cell["label"] and cell["drawn"] is None:
                problems.append(f"{name}: the label {cell['label']!r} of {cell['text']!r} is not shown")
    return problems


def _accessibility_tree(page) -> dict[str, list[str]]:
    """Chromium's own accessibility tree (what a screen reader gets): the names of its table nodes, by role."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    found: dict[str, list[str]] = {}
    for node in nodes:
        role = node.get("role", {}).get("value")
        if role in ("table", "row", "columnheader", "rowheader", "cell") and not node.get("ignored"):
            found.setdefault(role, []).append(node.get("name", {}).get("value", ""))
    return found


def test_hours_tables_are_labelled_cards_on_a_phone(open_page, clinic):
    problems = []
    for who, paths in _pages(clinic):
        page = open_page(phone=True)
        sign_in(page, who)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, (who, path, response.status)
            assert page.locator("html").get_attribute("lang") == "es"
            found = page.evaluate(_TABLES)
            assert any(t["stacked"] for t in found["tables"]), f"{path}: no wide table, so this test shows nothing"
            problems += _label_problems(path, found)
            problems += [f"{path}: axe {bad}" for bad in axe_violations(page)]
            tree = _accessibility_tree(page)  # still a table to a screen reader, its headers and cells
            assert tree.get("table") and tree.get("row") and tree.get("cell"), (path, sorted(tree))
            assert len(tree.get("columnheader", [])) == page.locator("main thead th").count(), path
            # the drawn label is for the eye: a screen reader hears the column header, not the label as well
            assert not [name for name in tree["cell"] if name.startswith(es("Date"))], path
    assert problems == []


def test_labels_are_the_spanish_column_headers(open_page, clinic):
    page = open_page(phone=True)
    sign_in(page, MANAGER)
    page.goto(f"/hours/orgs/{SLUG}/timesheets/{clinic['ana']}?start={PERIOD.isoformat()}")
    drawn = {cell["drawn"] for table in page.evaluate(_TABLES)["tables"] for cell in table["cells"]}
    for header in ("Date", "Training", "Source", "Pay code", "Time", "Hourly rate", "Amount", "Status"):
        assert es(header) in drawn, header
    assert "Date" not in drawn


def test_approving_from_the_queue_with_the_keyboard_on_a_phone(open_page, live_server, clinic):
    """Tab reaches each entry's checkbox (on screen), Space ticks it, Enter on the approve button sends the form."""
    page = open_page(phone=True)
    sign_in(page, MANAGER)
    page.goto(f"/hours/orgs/{SLUG}/queue")
    wanted = str(clinic["waiting"][1])
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement, box = e.getBoundingClientRect();
            return {name: e.name || '', value: e.value || '', inside: box.left >= 0 && box.right <= innerWidth,
                    text: (e.innerText || '').trim()}; }""")
        if focused["name"].startswith("entry-"):
            assert focused["inside"], "a checkbox off the screen"
            if focused["value"] == wanted:
                page.keyboard.press("Space")
        if focused["text"] == es("Approve selected"):
            break
    else:
        raise AssertionError("the keyboard never reached the approve button")
    assert page.locator(f"input[name=entry-{wanted}]").is_checked()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with live_server.app.app_context():
        statuses = dict(db.session.execute(select(HoursEntry.id, HoursEntry.status)
                                           .where(HoursEntry.id.in_(clinic["waiting"]))).all())
        db.session.remove()
    assert statuses == {clinic["waiting"][0]: EntryStatus.PENDING, clinic["waiting"][1]: EntryStatus.APPROVED}


#: On a zoomed-in screen: sideways scrolling, rows off the screen, cells over each other or outside their row, and a
#: cell's content over its label.
_OVERLAPS = """path => {
        const problems = [], width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > width) problems.push(`${path}: the page scrolls sideways`);
        for (const row of document.querySelectorAll('main table tbody tr, main table tfoot tr')) {
            const frame = row.getBoundingClientRect();
            if (frame.left < 0 || frame.right > width + 0.5) problems.push(`${path}: a row off the screen`);
            const seen = [];
            for (const cell of row.children) {
                const box = cell.getBoundingClientRect();
                if (!box.height) continue;
                if (seen.some(o => Math.min(o.right, box.right) - Math.max(o.left, box.left) > 0.5
                                   && Math.min(o.bottom, box.bottom) - Math.max(o.top, box.top) > 0.5)) {
                    problems.push(`${path}: ${cell.textContent.trim().slice(0, 30)} overlaps another cell`);
                }
                if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5) problems.push(`${path}: cell outside its row`);
                seen.push(box);
                if (!cell.dataset.label) continue;
                // the content stays beside its label: past the label's column, inside the cell
                const style = getComputedStyle(cell), column = parseFloat(style.gridTemplateColumns);
                const start = box.left + parseFloat(style.paddingLeft) + column + parseFloat(style.columnGap);
                const parts = [];
                for (const node of cell.childNodes) {  // what shows of the cell: its text, links, badges, checkbox
                    if (node.nodeType === Node.TEXT_NODE) {
                        const range = document.createRange();
                        range.selectNodeContents(node);
                        parts.push(...range.getClientRects());
                    } else if (node.nodeType === Node.ELEMENT_NODE && getComputedStyle(node).position !== 'absolute') {
                        parts.push(...node.getClientRects());
                    }
                }
                if (parts.some(part => part.width && (part.left < start - 0.5 || part.right > box.right + 0.5))) {
                    problems.push(`${path}: ${cell.textContent.trim().slice(0, 30)} runs into its label`);
                }
            }
        }
        return problems;
    }"""


def test_no_overlap_at_200_percent_zoom(open_page, clinic):
    """A 1280 by 900 screen at 200%: 640 by 450 CSS pixels, each drawn with 2 device pixels."""
    problems = []
    for who, paths in _pages(clinic):
        page = open_page(viewport={"width": DESKTOP["width"] // 2, "height": DESKTOP["height"] // 2}, scale=2)
        sign_in(page, who)
        for path in paths:
            page.goto(path)
            assert page.evaluate("getComputedStyle(document.querySelector('main tbody tr')).display") == "block", path
            problems += page.evaluate(_OVERLAPS, path)
    assert problems == []


def test_desktop_keeps_the_tables(open_page, clinic):
    page = open_page()
    sign_in(page, MANAGER)
    for path in _pages(clinic)[1][1]:
        page.goto(path)
        found = page.evaluate(_TABLES)
        assert not found["sideways"], path
        for table in found["tables"]:
            assert (table["display"], table["row"], table["headShown"]) == ("table", "table-row", True), path
            assert all(cell["drawn"] is None for cell in table["cells"]), f"{path}: a label drawn on the desktop"
