"""The trainee's repeated links name their item too (WCAG 2.4.4, 2.5.3): "Submit again" on My training hours names the
entry sent back, "Log field experience" in a course's "What is left" names the module, and each certificate's download,
verification and credential links on My certificates name the certificate's course. The item's title is visually
hidden after the visible words (``hidden_title`` in templates/lms/authoring/_macros.html), which stay as they are."""

from __future__ import annotations

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog.models import ModuleKind
from lms.certificates import issuance
from lms.enrollment import services as enrollment_services
from lms.hours import approvals
from tests import test_certificates_web as web
from tests.test_a11y_link_names import assert_unique, between, controls, names
from tests.test_hours_ledger import external, make_course, make_staff

completed = web.completed  # the fixture: Rosa completed "Documentation" and holds its certificate


@pytest.fixture
def staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


def test_each_submit_again_link_names_its_entry(client, u, login, staff):
    for key, title in (("a", "CPR refresher"), ("b", "Diabetes basics")):
        approvals.reject(external(staff.trainee, key, title=title), staff.manager, "Date is wrong")
    db.session.commit()
    login(staff.trainee)
    page = client.get(u("lms.hours.mine")).text
    found = [name for name in names(between(page, "<tbody", "</tbody>")) if name.startswith("Submit again")]
    assert sorted(found) == ["Submit again CPR refresher", "Submit again Diabetes basics"]
    assert '>Submit again<span class="visually-hidden"> CPR refresher</span></a>' in page  # seen: "Submit again"


def test_each_modules_log_field_experience_link_names_the_module(client, u, login, make_user, staff):
    trainer = make_user(role=SiteRole.TRAINER)
    course, modules = make_course(trainer, visits=(ModuleKind.FIELD, 60), outreach=(ModuleKind.FIELD, 60))
    enrollment_services.enroll(staff.trainee, course)
    db.session.commit()
    login(staff.trainee)
    page = client.get(u("lms.courses.course", course_slug=course.slug)).text
    found = [c for c in controls(page) if c.name.startswith("Log field experience ")]
    assert sorted(c.name for c in found) == ["Log field experience Module outreach", "Log field experience Module visits"]
    assert {c.attrs["href"] for c in found} == {u("lms.hours.log_field", module=m.id) for m in modules.values()}


def _second_certificate(rosa, trainer):
    """A certificate of "Course safety" (English only), issued to Rosa by hand."""
    other, _modules = make_course(trainer, "safety", reading=(ModuleKind.SELF_PACED, 30))
    issuance.issue_manually(rosa, other, trainer, "Paper course", issuance.TrainingMinutes(live=60))
    return other


def test_each_certificates_links_name_its_course(client, u, login, completed):
    rosa, trainer = completed["trainee"], completed["trainer"]
    _second_certificate(rosa, trainer)
    rosa.locale = "en"
    db.session.commit()
    login(rosa)
    page = client.get(u("lms.certificates.mine")).text
    found = names(between(page, '<ul class="cards">', "</main>"))
    assert_unique(found)
    for title in ("Documentation", "Course safety"):
        for words in ("English", "Español", "English and Spanish (two pages)", "Verification page",
                      "Digital credential (Open Badges 3.0)"):
            assert f"{words} {title}" in found, (words, title, found)
    # none left bare
    assert not {"English", "Español", "Verification page", "English and Spanish (two pages)"} & set(found)


def test_a_spanish_reader_hears_the_english_title_marked_as_english(client, u, login, completed):
    """Rosa reads Spanish; "Course safety" has no Spanish title, so its hidden words carry ``lang="en"`` (3.1.2)."""
    rosa, trainer = completed["trainee"], completed["trainer"]
    _second_certificate(rosa, trainer)
    db.session.commit()
    login(rosa)
    page = client.get(u("lms.certificates.mine")).text
    found = controls(between(page, '<ul class="cards">', "</main>"))
    assert_unique([c.name for c in found])
    (link,) = [c for c in found if c.name == "Página de verificación Course safety"]
    assert link.langs == [("en", "Course safety")]
    assert any(c.name.endswith(" Documentación") and not c.langs for c in found)  # in the page's language: no lang
