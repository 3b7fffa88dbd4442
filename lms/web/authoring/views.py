"""Authoring views: the course list, course settings, the outline with reordering, modules and lessons.

Status changes (publishing), quizzes, removing and restoring, translations and previews live in the sibling modules
imported at the end.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from lms import db
from lms.catalog import archive, course_authoring, lesson_authoring, module_authoring, module_kind, ordering, visibility
from lms.catalog import services as catalog
from lms.catalog.areas import area_title, areas_from_modules, in_order
from lms.catalog.markdown import render_markdown
from lms.catalog.models import COURSE_TRANSITIONS, CourseStatus, ModuleKind
from lms.catalog.texts import load_course_titles, load_texts, load_titles
from lms.catalog.translation_lag import course_locales, lesson_out_of_date_locales
from lms.certificates import withheld
from lms.enrollment import attempt_requests, change_impact, recheck
from lms.errors import DomainError
from lms.i18n import _, _l, current_locale
from lms.orgs.services import list_orgs
from lms.security import access
from lms.web.authoring import bp
from lms.web.authoring.conflicts import EditCheck
from lms.web.authoring.forms import CourseForm, LessonForm, ModuleForm
from lms.web.authoring.helpers import actor, direction, load_lesson, load_module, source_texts, tell_unmoved
from lms.web.authoring.messages import added_message, saved_message, undescribed_images
from lms.web.forms import EmptyForm

# ---------------------------------------------------------------- courses


@bp.get("/")
@access.trainer
def index():
    courses = catalog.list_catalog(published_only=False)
    waiting = attempt_requests.count_waiting()
    return render_template("lms/authoring/index.html", courses=courses,
                           titles=load_course_titles(courses, current_locale()),
                           module_counts=catalog.count_modules(courses), waiting=waiting,
                           waiting_titles=load_titles([w.module for w in waiting], [w.course for w in waiting],
                                                      current_locale()))


@bp.route("/new", methods=["GET", "POST"])
@access.trainer
def new_course():
    form = CourseForm(issuers=_issuers())
    if request.method == "GET":
        form.source_locale.data = current_locale()
    if form.validate_on_submit():
        try:
            course = course_authoring.create_course(form.course_data(), actor())
            course_authoring.set_course_issuer(course, form.issuer_org_id, actor())
        except DomainError as exc:
            db.session.rollback()
            form.slug.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The course is created as a draft."), "success")
            return redirect(url_for("lms.authoring.course", course_slug=course.slug))
    return render_template("lms/authoring/course_form.html", form=form, course=None), _status(form)


def _issuers() -> list[tuple[str, str]]:
    """Organisations a course's certificates can name as issuer."""
    return [(str(org.id), org.name) for org in list_orgs()]


@bp.get("/<course_slug>/")
@access.trainer
def course(course_slug: str):
    course = catalog.get_course(course_slug)
    outline = catalog.load_outline(course)
    hidden = visibility.list_hidden_module_ids(course)  # neither seen nor needed by trainees: no certificate of them
    uncounted = outline.uncounted_modules(hidden)  # required, with minutes, but empty: trainees are not credited
    return render_template("lms/authoring/course.html", course=course, outline=outline,
                           credited=outline.credited_minutes_shown(hidden), uncounted=len(uncounted),
                           uncounted_names=module_kind.quoted_titles(course, uncounted) if uncounted else "",
                           uncounted_minutes=sum(m.credited_minutes for m in uncounted),
                           removed=archive.list_removed(course), hidden_modules=len(hidden),
                           no_session={m.id for m in module_kind.list_live_without_sessions(course, modules=outline.modules)},
                           no_certificate=withheld.withholds_on_completion(
                               m for m in outline.modules if m.id not in hidden),
                           own_areas=[area_title(code) for code in in_order(list(course.competency_areas))],
                           module_areas=[area_title(code) for code in areas_from_modules(course, outline.modules)],
                           t=load_texts(course, course.source_locale, fields=("title",)),
                           statuses=[s for s in CourseStatus if s in COURSE_TRANSITIONS[course.status]],
                           button=EmptyForm())


@bp.route("/<course_slug>/edit", methods=["GET", "POST"])
@access.trainer
def edit_course(course_slug: str):
    course = catalog.get_course(course_slug)
    form = CourseForm(issuers=_issuers())
    if request.method == "GET":
        form.fill_from(course, source_texts(course, course))
    form.keep_fixed(course)
    edit = EditCheck.open(course, course)
    if form.validate_on_submit() and not edit.refuses(lambda: _saved_form(CourseForm, course, course, issuers=_issuers())):
        try:
            changed = course_authoring.update_course(course, form.course_data(), actor())
            changed = course_authoring.set_course_issuer(course, form.issuer_org_id, actor()) or changed
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            _flash_saved(changed)
            return redirect(url_for("lms.authoring.course", course_slug=course.slug))
    return render_template("lms/authoring/course_form.html", form=form, course=course, edit=edit), edit.status(_status(form))


def _flash_saved(changed: bool, saved: str | None = None) -> None:
    """Say "Saved." (or ``saved``) when something changed, else that there was nothing to save."""
    if changed:
        flash(saved or _("Saved."), "success")
    else:
        flash(_("No changes to save."), "info")


def _show_error(form, exc: DomainError, default=None) -> None:
    """A service's refusal, at the field it is about if the form shows that field, else at ``default`` (a field) or
    above the form."""
    name = exc.details.get("field")
    target = form[name].errors if name in form else default.errors if default is not None else form.form_errors
    target.append(exc.message)


def _status(form) -> int:
    """200 for a fresh form, 400 when a sent form is refused (so the page is re-rendered with messages)."""
    return 400 if request.method == "POST" and form.errors else 200


# ---------------------------------------------------------------- modules

#: What the trainer does next after adding a module, by how trainees complete it (:mod:`lms.catalog.module_kind`).
NEXT_STEP = {
    ModuleKind.SELF_PACED: _l("Module added. Now add its lessons."),
    ModuleKind.LIVE: _l("Module added. Now schedule its live sessions: trainees complete it by attending one."),
    ModuleKind.FIELD: _l("Module added. It needs no lessons: trainees complete it when the supervised field hours "
                         "they log and a manager approves reach its credited time."),
}


@bp.route("/<course_slug>/modules/new", methods=["GET", "POST"])
@access.trainer
def new_module(course_slug: str):
    course = catalog.get_course(course_slug)
    form = ModuleForm()
    if request.method == "GET" and course.status is CourseStatus.PUBLISHED:
        form.is_required.data = False  # a new module has nothing to complete yet (lms.catalog.module_kind)
    if form.validate_on_submit():
        try:
            module = module_authoring.add_module(course, form.module_data(), actor(), keep_completable=True)
        except DomainError as exc:
            db.session.rollback()
            _show_error(form, exc, default=form.slug)
        else:
            db.session.commit()  # and in a translated course, the languages it has no part in yet
            flash(added_message(str(NEXT_STEP[module.kind]), course_locales(course), "module", course.source_locale),
                  "success")
            return redirect(url_for("lms.authoring.course", course_slug=course_slug, _anchor=f"module-{module.slug}"))
    return render_template("lms/authoring/module_form.html", form=form, course=course, module=None), _status(form)


@bp.route("/<course_slug>/modules/<module_slug>/edit", methods=["GET", "POST"])
@access.trainer
def edit_module(course_slug: str, module_slug: str):
    course, module = load_module(course_slug, module_slug)
    form = ModuleForm()
    if request.method == "GET":
        form.fill_from(module, source_texts(course, module))
    form.slug.data = module.slug
    edit = EditCheck.open(course, module)
    impact = None
    if form.validate_on_submit() and not edit.refuses(lambda: _saved_form(ModuleForm, course, module)):
        impact, kind = _unconfirmed_credit(form, course, module), module.kind
        try:
            changed = module_authoring.update_module(course, module, form.module_data(), actor(), keep_completable=True)
        except DomainError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            if impact is None:
                if module.kind is not kind:  # a module made self-paced with nothing to do is hidden: not needed
                    recheck.complete_finished(course)
                db.session.commit()
                _flash_saved(changed)
                return redirect(url_for("lms.authoring.course", course_slug=course_slug, _anchor=f"module-{module_slug}"))
            db.session.rollback()  # it could be saved; the page asks first, with the counts
    return render_template("lms/authoring/module_form.html", form=form, course=course, module=module,
                           edit=edit, impact=impact), edit.status(_status(form))


def _unconfirmed_credit(form: ModuleForm, course, module) -> change_impact.ModuleCreditImpact | None:
    """What the sent credit would change for trainees of a published course, unless the form confirms exactly these
    values; the form then carries them, so sending it again confirms."""
    impact = change_impact.module_credit_impact(course, module, credited_minutes=form.credited_minutes.data,
                                                is_required=form.is_required.data)
    if impact is None or form.confirm.data == impact.confirmation:
        return None
    form.confirm.data = impact.confirmation
    return impact


@bp.post("/<course_slug>/modules/<module_slug>/move")
@access.trainer
def move_module(course_slug: str, module_slug: str):
    course, module = load_module(course_slug, module_slug)
    return _move(course, module, f"module-{module_slug}")


def _move(course, obj, anchor: str):
    step = direction()
    if step is None:
        abort(400)
    if not ordering.move(course, obj, step, actor()):
        tell_unmoved(step)
    db.session.commit()
    return redirect(url_for("lms.authoring.course", course_slug=course.slug, _anchor=anchor))


# ---------------------------------------------------------------- lessons


@bp.route("/<course_slug>/modules/<module_slug>/lessons/new", methods=["GET", "POST"])
@access.trainer
def new_lesson(course_slug: str, module_slug: str):
    course, module = load_module(course_slug, module_slug)
    form = LessonForm()
    return _lesson_form(form, course, module, None)


@bp.route("/<course_slug>/modules/<module_slug>/lessons/<lesson_slug>/edit", methods=["GET", "POST"])
@access.trainer
def edit_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    course, module, lesson = load_lesson(course_slug, module_slug, lesson_slug)
    form = LessonForm()
    if request.method == "GET":
        form.fill_from(lesson, source_texts(course, lesson))
    form.slug.data, form.checks_slug = lesson.slug, False
    return _lesson_form(form, course, module, lesson, EditCheck.open(course, lesson))


def _lesson_form(form: LessonForm, course, module, lesson, edit: EditCheck | None = None):
    """Save, or with the Preview button only show the body as trainees will see it (nothing is saved). A lesson
    changed since its form was opened is not overwritten (:mod:`lms.web.authoring.conflicts`)."""
    preview = images = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data, course.source_locale)  # as trainees will see it
            images = undescribed_images(form.body.data)
        elif edit is not None and edit.refuses(lambda: _saved_form(LessonForm, course, lesson)):
            pass  # shown again, with what changed since and the saved values
        elif (changed := _save_lesson(form, course, module, lesson)) is not None:
            behind = lesson_out_of_date_locales(course, lesson) if changed and lesson else []
            missing = course_locales(course) if lesson is None else []  # a new lesson: translated nowhere yet
            db.session.commit()
            _flash_saved(changed, added_message(saved_message(_("Lesson saved."), behind, "lesson"), missing, "lesson",
                                                course.source_locale))
            if images := undescribed_images(form.body.data):
                flash(images, "info")  # saved all the same: a warning, not a refusal
            return redirect(url_for("lms.authoring.course", course_slug=course.slug, _anchor=f"module-{module.slug}"))
    return render_template("lms/authoring/lesson_form.html", form=form, course=course, module=module, lesson=lesson,
                           preview=preview, images=images, edit=edit), edit.status(_status(form)) if edit else _status(form)


def _saved_form(form_class, course, obj, **kwargs):
    """A form filled from ``obj`` as stored, never from the request: the saved values shown beside a save refused
    because they changed since the form was opened."""
    form = form_class(formdata=None, **kwargs)
    form.fill_from(obj, source_texts(course, obj))
    return form


def _save_lesson(form: LessonForm, course, module, lesson) -> bool | None:
    """Whether anything changed (a new lesson always), or None when refused (the message is on the form)."""
    title, body, minutes = form.title.data, form.body.data, form.estimated_minutes.data
    try:
        if lesson is None:
            lesson_authoring.add_lesson(course, module, form.slug.data, title, body, minutes, actor())
            return True
        return lesson_authoring.update_lesson(course, lesson, title, body, minutes, actor())
    except DomainError as exc:
        db.session.rollback()
        _show_error(form, exc, default=form.slug if lesson is None else None)  # a short name taken: at its box
        return None


@bp.post("/<course_slug>/modules/<module_slug>/lessons/<lesson_slug>/move")
@access.trainer
def move_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    course, _module, lesson = load_lesson(course_slug, module_slug, lesson_slug)
    return _move(course, lesson, f"lesson-{lesson.id}")  # back at the lesson moved, where the keyboard was


from lms.web.authoring import export, history, previews, publishing, quiz_trial, quizzes, removal, translations  # noqa: E402,F401
