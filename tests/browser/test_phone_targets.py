"""On a 360-pixel phone, a checkbox or radio button whose label wraps onto several lines keeps its size (at least the
24 by 24 CSS pixels of WCAG 2.2's target size), and nothing in a question spills out of its fieldset: the Spanish
quiz answers and the competency-area checkboxes of the field-experience and external-training forms."""

from __future__ import annotations

import pytest

from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, QuestionKind
from lms.enrollment import services as enrollment
from tests.browser.conftest import sign_in
from tests.browser.helpers import new_person, user

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}
MIN_TARGET = 24
#: A question as long as real ones get, with an address that cannot wrap at a space.
LONG_PROMPT = (
    "Según la guía del Departamento de Servicios de Atención Médica "
    "(https://www.dhcs.ca.gov/services/medi-cal/Pages/CommunityHealthWorkerPreventiveServices.aspx), "
    "¿quién decide si un certificado de finalización cumple los requisitos?"
)

#: Each checkbox and radio button in a label (size, and whether the label runs over more than one line), and each
#: fieldset whose contents reach past its border.
_MEASURE = """() => {
    const inputs = [...document.querySelectorAll('main label input[type=checkbox], main label input[type=radio]')]
        .map(input => {
            const box = input.getBoundingClientRect(), label = input.closest('label');
            const lines = label.getBoundingClientRect().height / parseFloat(getComputedStyle(label).lineHeight);
            return {name: `${input.name}=${input.value}`, width: box.width, height: box.height, wraps: lines > 1.5};
        });
    const spills = [];
    for (const fieldset of document.querySelectorAll('main fieldset')) {
        const frame = fieldset.getBoundingClientRect(), style = getComputedStyle(fieldset);
        const legend = fieldset.querySelector(':scope > legend');
        if (legend) {  // a legend of several lines must sit inside the border, not start above it
            const box = legend.getBoundingClientRect();
            const lines = box.height / parseFloat(getComputedStyle(legend).lineHeight);
            if (lines > 1.5 && box.top < frame.top + parseFloat(style.borderTopWidth)) {
                spills.push(`LEGEND across the border: ${legend.textContent.trim().slice(0, 40)}`);
            }
        }
        for (const element of fieldset.querySelectorAll('*')) {
            const box = element.getBoundingClientRect();
            if (box.width && (box.right > frame.right + 0.5 || box.left < frame.left - 0.5)) {
                spills.push(`${element.tagName} ${element.textContent.trim().slice(0, 40)}`);
            }
        }
    }
    const sideways = document.documentElement.scrollWidth > document.documentElement.clientWidth;
    return {inputs, spills, sideways};
}"""


def _long_question_course(trainer):
    """A Spanish course of its own whose one quiz question is long and holds a long web address."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="phone-targets",
                                                                        title="Preguntas largas", source_locale="es"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="largas", title="Largas",
                                                                             credited_minutes=30), trainer)
    lesson_authoring.add_lesson(course, module, "uno", "Uno", "Texto.", 5, trainer)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Prueba", pass_mark=100, max_attempts=None, actor=trainer)
    options = [
        quiz_authoring.OptionData(
            "a",
            "El proveedor que supervisa, es decir, la organización que emplea al promotor o a la "
            "promotora y que factura los servicios a Medi-Cal",
            True,
        ),
        quiz_authoring.OptionData("b", "El Departamento de Acceso y Información sobre la Atención Médica (HCAI)"),
    ]
    quiz_authoring.save_question(
        course, quiz, None, slug="quien", kind=QuestionKind.SINGLE, prompt=LONG_PROMPT, options=options, actor=trainer
    )
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    return course


@pytest.fixture(scope="module")
def lupe(live_server):
    """Lupe reads in Spanish, works for the demo organisation and is enrolled in the core course and in a course
    with a long question."""
    with live_server.data():
        person = new_person("lupe.phone@example.org", "Lupe Teléfono", locale="es", employee_id="E-3601")
        enrollment.enroll(person, catalog.get_course("chw-core"))
        enrollment.enroll(person, _long_question_course(user("trainer@example.org")))
    return "lupe.phone@example.org"


@pytest.mark.parametrize(
    "path",
    [
        "/courses/chw-core/public-health-sdoh/quiz",  # long Spanish questions and answers, checkboxes and radio buttons
        "/courses/phone-targets/largas/quiz",  # a web address in the question
        "/hours/field",
        "/hours/external",
    ],
)
def test_wrapped_labels_keep_full_size_inputs_inside_their_fieldset(open_page, lupe, path):
    page = open_page(phone=True, viewport=SMALL_PHONE)
    sign_in(page, lupe)
    response = page.goto(path)
    assert response.status == 200
    # a phone browser widens the page to fit what does not wrap (and shrinks the text to match)
    assert page.evaluate("window.innerWidth") == SMALL_PHONE["width"], f"{path}: wider than the phone"
    found = page.evaluate(_MEASURE)
    wrapped = [i for i in found["inputs"] if i["wraps"]]
    assert wrapped, f"{path}: no label wraps at {SMALL_PHONE['width']} px, so this test shows nothing"
    small = [i for i in found["inputs"] if i["width"] < MIN_TARGET or i["height"] < MIN_TARGET]
    assert small == [], f"{path}: inputs under {MIN_TARGET} px"
    assert len({(round(i["width"]), round(i["height"])) for i in found["inputs"]}) == 1, "every input the same size"
    assert found["spills"] == [] and not found["sideways"], path
