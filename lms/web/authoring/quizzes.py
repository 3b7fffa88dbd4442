"""Quiz editor: a module's quiz settings, its questions with answer options, and their order; trainees who used
every attempt, and one more attempt for them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from lms import db
from lms.catalog import archive, edits, ordering, quiz_authoring, quiz_texts, translation_lag
from lms.catalog import services as catalog
from lms.catalog.models import QuestionKind
from lms.catalog.texts import load_texts
from lms.enrollment import attempt_requests, change_impact, grants, notices
from lms.errors import DomainError
from lms.i18n import _
from lms.notify.services import MailError
from lms.security import access
from lms.web.authoring import bp
from lms.web.authoring.conflicts import EditCheck
from lms.web.authoring.helpers import actor, direction, load_module, source_texts, tell_unmoved
from lms.web.authoring.messages import added_message, saved_message
from lms.web.authoring.quiz_forms import GrantAttemptForm, QuestionForm, QuizForm
from lms.web.forms import EmptyForm
from lms.web.urls import external_url


@bp.route("/<course_slug>/modules/<module_slug>/quiz", methods=["GET", "POST"])
@access.trainer
def quiz(course_slug: str, module_slug: str):
    """The quiz's settings and questions; for a removed quiz, a way to restore it (saving the form does too)."""
    course, module = load_module(course_slug, module_slug)
    stored = catalog.get_quiz(module, include_archived=True)
    form = QuizForm()
    if request.method == "GET" and stored is not None:
        form.fill_from(stored, source_texts(course, stored))
    restoring = stored is not None and stored.is_archived
    if form.validate_on_submit():
        if (impact := _unconfirmed(form, stored)) is not None:  # ask first: the counts, and the form to send again
            return _quiz_page(course, module, stored, form, 200, impact=impact)
        if _save_quiz(form, course, module, restoring=restoring):
            return redirect(url_for("lms.authoring.quiz", course_slug=course_slug, module_slug=module_slug))
    return _quiz_page(course, module, stored, form, 400 if request.method == "POST" else 200)


def _unconfirmed(form: QuizForm, stored) -> change_impact.QuizSettingsImpact | None:
    """What the sent pass mark and limit would do to trainees who took the quiz, unless the form confirms exactly
    these values; the form then carries them, so sending it again confirms."""
    if stored is None:
        return None
    impact = change_impact.quiz_settings_impact(stored, pass_mark=form.pass_mark.data,
                                                max_attempts=form.max_attempts.data)
    if impact is None or form.confirm.data == impact.confirmation:
        return None
    form.confirm.data = impact.confirmation
    return impact


def _quiz_page(course, module, stored, form: QuizForm, status: int, grant: tuple[int, GrantAttemptForm] | None = None,
               impact: change_impact.QuizSettingsImpact | None = None):
    """The quiz page; ``grant``: the trainee (user id) whose "one more attempt" form was refused, and that form;
    ``impact``: what the sent settings would do, asked about above the form."""
    quiz = stored if stored is not None and not stored.is_archived else None
    questions = catalog.load_questions(quiz) if quiz is not None else []
    removed = archive.list_removed_questions(quiz) if quiz is not None else []
    locked_out = grants.list_locked_out(quiz) if quiz is not None else []
    # trainees who asked for another attempt first, the one waiting longest at the top
    requests = {r.user_id: r for r in attempt_requests.list_waiting(quiz)} if locked_out else {}
    order = {user_id: n for n, user_id in enumerate(requests)}
    locked_out.sort(key=lambda row: order.get(row.user_id, len(order)))
    texts = load_texts(course, course.source_locale, fields=("title", "prompt", "text"))
    return render_template("lms/authoring/quiz.html", course=course, module=module, quiz=quiz, form=form,
                           questions=questions, removed=removed, removed_quiz=stored if quiz is None else None,
                           locked_out=locked_out, requests=requests, grant=grant, t=texts, button=EmptyForm(),
                           impact=impact), status


def _save_quiz(form: QuizForm, course, module, *, restoring: bool) -> bool:
    stored = None if restoring else catalog.get_quiz(module)
    before = edits.snapshot(course, stored) if stored is not None else None
    try:
        quiz = quiz_authoring.ensure_quiz(course, module, title=form.title.data or "", pass_mark=form.pass_mark.data,
                                          max_attempts=form.max_attempts.data, actor=actor())
    except DomainError as exc:
        db.session.rollback()
        form.form_errors.append(exc.message)
        return False
    unchanged = before is not None and not edits.changes(before, edits.snapshot(course, quiz))
    db.session.commit()
    if unchanged:
        flash(_("No changes to save."), "info")
    else:
        flash(_("The removed quiz is restored with its questions, and its settings are saved.") if restoring
              else _("Quiz settings saved."), "success")
    return True


@bp.post("/<course_slug>/modules/<module_slug>/quiz/trainees/<int:user_id>/grant")
@access.trainer
def grant_attempt(course_slug: str, module_slug: str, user_id: int):
    """One more attempt for a trainee who used every attempt without passing; the reason goes to the audit log."""
    course, module = load_module(course_slug, module_slug)
    quiz = _require_quiz(module)
    enrollment, trainee = grants.get_trainee(course, user_id)
    form = GrantAttemptForm()
    if form.validate_on_submit():
        try:
            grants.grant_attempt(enrollment, quiz, actor(), form.reason.data)
        except DomainError as exc:
            db.session.rollback()
            form.reason.errors = [exc.message]
        else:
            db.session.commit()
            _tell_granted(course, module, quiz, trainee)
            return redirect(url_for("lms.authoring.quiz", course_slug=course_slug, module_slug=module_slug,
                                    _anchor="locked-out"))
    settings = QuizForm(formdata=None)
    settings.fill_from(quiz, source_texts(course, quiz))
    return _quiz_page(course, module, quiz, settings, 400, grant=(user_id, form))


def _tell_granted(course, module, quiz, trainee) -> None:
    """After the commit: the grant stands even if the email cannot be sent."""
    name, email = trainee.name, trainee.email
    link = external_url("lms.courses.quiz", course_slug=course.slug, module_slug=module.slug)
    try:
        notices.tell_attempt_granted(trainee, course, module, quiz, link, by=actor().name)
    except MailError:
        flash(_("%(name)s can take the quiz once more.", name=name), "success")
        flash(_("We could not email: %(emails)s. Please tell them another way.", emails=email), "error")
    else:
        flash(_("%(name)s can take the quiz once more. We emailed them.", name=name), "success")


@bp.route("/<course_slug>/modules/<module_slug>/quiz/questions/new", methods=["GET", "POST"])
@access.trainer
def new_question(course_slug: str, module_slug: str):
    course, module = load_module(course_slug, module_slug)
    quiz = _require_quiz(module)
    form = QuestionForm()
    if request.method == "GET":
        form.slug.data = _free_slug(archive.question_slugs(quiz))
        form.kind.data = QuestionKind.SINGLE.value
    return _question_form(form, course, module, quiz, None, [])


@bp.route("/<course_slug>/modules/<module_slug>/quiz/questions/<int:question_id>", methods=["GET", "POST"])
@access.trainer
def edit_question(course_slug: str, module_slug: str, question_id: int):
    course, module = load_module(course_slug, module_slug)
    quiz = _require_quiz(module)
    question, options = _find_question(quiz, question_id)
    form = QuestionForm()
    if request.method == "GET":
        form.fill_from(question, options, source_texts(course, question, *options))
    form.slug.data = question.slug
    return _question_form(form, course, module, quiz, question, options, EditCheck.open(course, question))


def _question_form(form: QuestionForm, course, module, quiz, question, options, edit: EditCheck | None = None):
    """Save; a question changed since its form was opened is not overwritten (:mod:`lms.web.authoring.conflicts`).
    True or false with no answers gets them, in the course's language; the author marks the right one."""
    if request.method == "POST":
        form.fill_true_false(quiz_authoring.true_false_answers(course.source_locale))
    impact = None  # asked first when trainees' graded answers would be behind the new right answers
    if (form.validate_on_submit() and not (edit and edit.refuses(lambda: _saved_question(course, question, options)))
            and (impact := _unconfirmed_key(form, question, options)) is None):
        before = edits.snapshot(course, question) if question is not None else None
        try:
            saved = quiz_authoring.save_question(course, quiz, question, slug=form.slug.data,
                                                 kind=QuestionKind(form.kind.data), prompt=form.prompt.data,
                                                 options=form.option_data({o.slug for o in options}), actor=actor())
        except DomainError as exc:
            db.session.rollback()
            field = exc.details.get("field")  # at the box it is about (the question), else above the form
            (form[field].errors if field in form else form.form_errors).append(exc.message)
        else:
            unchanged = before is not None and not edits.changes(before, edits.snapshot(course, saved))
            behind = [] if unchanged else _left_behind(course, quiz, question, saved)
            missing = [] if question else [loc for loc in translation_lag.course_locales(course) if loc not in behind]
            db.session.commit()
            if unchanged:
                flash(_("No changes to save."), "info")
            else:
                message = saved_message(_("Question saved."), behind, "quiz" if question is None else "question")
                flash(added_message(message, missing, "question", course.source_locale), "success")
            return redirect(url_for("lms.authoring.quiz", course_slug=course.slug, module_slug=module.slug))
    status = 400 if request.method == "POST" and impact is None else 200
    return render_template("lms/authoring/question_form.html", form=form, course=course, module=module,
                           question=question, edit=edit, impact=impact), edit.status(status) if edit else status


def _unconfirmed_key(form: QuestionForm, question, options) -> change_impact.AnswerKeyImpact | None:
    """How many graded attempts the sent right answers would leave marked by the old ones, unless the form confirms
    exactly these right answers; the form then carries them, so sending it again confirms."""
    if question is None:
        return None
    sent = form.option_data({o.slug for o in options})
    try:  # answers the save would refuse are refused first, without asking
        quiz_authoring.check_question(QuestionKind(form.kind.data), sent)
    except DomainError:
        return None
    impact = change_impact.answer_key_impact(question, options, [o.slug for o in sent if o.is_correct])
    if impact is None or form.confirm.data == impact.confirmation:
        return None
    form.confirm.data = impact.confirmation
    return impact


def _left_behind(course, quiz, question, saved) -> list[str]:
    """The languages whose translation the save left out of date: the question's, or for a new question (translated
    nowhere yet) the quiz's."""
    if question is None:
        return quiz_texts.translated_locales(course, quiz, saved)
    return quiz_texts.out_of_date_locales(course, saved)


def _saved_question(course, question, options) -> QuestionForm:
    """The question as stored, never from the request: shown beside a save refused because it changed since."""
    form = QuestionForm(formdata=None)
    form.fill_from(question, options, source_texts(course, question, *options))
    return form


@bp.post("/<course_slug>/modules/<module_slug>/quiz/questions/<int:question_id>/move")
@access.trainer
def move_question(course_slug: str, module_slug: str, question_id: int):
    course, module = load_module(course_slug, module_slug)
    question, _options = _find_question(_require_quiz(module), question_id)
    step = direction()
    if step is None:
        abort(400)
    if not ordering.move(course, question, step, actor()):
        tell_unmoved(step)
    db.session.commit()
    return redirect(url_for("lms.authoring.quiz", course_slug=course_slug, module_slug=module_slug,
                            _anchor=f"question-{question.id}"))


def _require_quiz(module):
    quiz = catalog.get_quiz(module)
    if quiz is None:
        abort(404)
    return quiz


def _find_question(quiz, question_id: int):
    for question, options in catalog.load_questions(quiz):
        if question.id == question_id:
            return question, options
    abort(404)


def _free_slug(taken: set[str]) -> str:
    return next(f"q{n}" for n in range(1, 10_000) if f"q{n}" not in taken)
