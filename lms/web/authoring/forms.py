"""Authoring forms: course, module, lesson, quiz and question, and extra quiz attempts. Texts are edited in the
course's source language."""

from __future__ import annotations

import re

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from lms.catalog.areas import area_choices
from lms.catalog.course_authoring import CourseData
from lms.catalog.models import CourseKind, ModuleKind, QuestionKind
from lms.catalog.module_authoring import ModuleData
from lms.catalog.quiz_authoring import OptionData
from lms.catalog.slugs import SLUG_RE
from lms.catalog.texts import MAX_LENGTHS, has_visible_text
from lms.i18n import _, _l, locale_names
from lms.web.validators import NotInvisible, NumberRange, VisibleText

OPTION_ROWS = 6


def _most(owner: str, name: str) -> Length:
    """The length limit of a catalog text field (:data:`lms.catalog.texts.MAX_LENGTHS`), as a validator."""
    return Length(max=MAX_LENGTHS[owner, name])


def _title_field(owner: str) -> StringField:
    """A required title, held to its length limit (the box gets ``maxlength``); one of invisible characters alone
    counts as empty."""
    return StringField(_l("Title"), validators=[VisibleText(_l("Enter a title.")), _most(owner, "title")])


class TextCheck(FlaskForm):
    """One text checked as the authoring forms check theirs, for texts typed elsewhere (the translation editor), so
    the message is the same, in the viewer's language."""

    class Meta:
        csrf = False

    value = TextAreaField()


def length_error(value: str, owner: str, name: str) -> str | None:
    """The message the source form would show for ``value`` in field ``name`` of an ``owner``, if it is too long."""
    if len(value) <= MAX_LENGTHS[owner, name]:
        return None
    form = TextCheck(formdata=None, data={"value": value})
    try:
        _most(owner, name)(form, form.value)
    except ValidationError as exc:
        return str(exc)
    return None


def _clean_slug(value: str | None) -> str | None:
    return value.strip().lower() if isinstance(value, str) else value


def _slug_field(description):
    return StringField(
        _l("Short name for web addresses"),
        filters=[_clean_slug],
        validators=[DataRequired(), Length(max=64),
                    Regexp(SLUG_RE, message=_l("Use lowercase letters, numbers and hyphens."))],
        description=description,
    )


def parse_specialties(value: str | None) -> tuple[str, ...]:
    """``"Asthma preventive services, violence prevention"`` → slugs, duplicates dropped."""
    slugs = (re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in (value or "").split(","))
    return tuple(dict.fromkeys(slug[:64] for slug in slugs if slug))


def _specialties_field():
    return StringField(_l("Specialties"), validators=[Optional(), Length(max=1000)],
                       description=_l("Separate with commas, for example: asthma preventive services, violence prevention."))


def _areas_field():
    return SelectMultipleField(_l("Competency areas"), validate_choice=True)


class CourseForm(FlaskForm):
    slug = _slug_field(_l("For example: heat-safety. It cannot be changed later."))
    title = _title_field("course")
    summary = TextAreaField(_l("Summary"), validators=[Optional(), _most("course", "summary")])
    version = StringField(_l("Version"), validators=[DataRequired(), Length(max=32)], default="1",
                          description=_l("Certificates name the version they were earned on, for example 2026.1."))
    kind = SelectField(_l("Kind of training"))
    source_locale = SelectField(_l("Source language"),
                                description=_l("The language the course is written in. It cannot be changed later."))
    competency_areas = _areas_field()
    specialties = _specialties_field()
    certificate_validity_months = IntegerField(
        _l("Certificate valid for (months)"), validators=[Optional(), NumberRange(min=1, max=240)],
        description=_l("Leave empty if the certificate does not expire."))
    issuer_org = SelectField(
        _l("Issued by"), default="",
        description=_l("Certificates name this organisation and its signatory. Certificates already issued do not "
                       "change."))

    def __init__(self, *args, issuers: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.issuer_org.choices = [("", _("This site (%(name)s)", name=current_app.config["LMS_CERT_ISSUER_NAME"])),
                                   *issuers]
        self.kind.choices = CourseKind.choices()
        self.source_locale.choices = locale_names()
        self.competency_areas.choices = area_choices()

    def fill_from(self, course, texts) -> None:
        self.slug.data = course.slug
        self.title.data = texts.get(course, "title").value
        self.summary.data = texts.get(course, "summary").value
        self.version.data = course.version
        self.kind.data = course.kind.value
        self.source_locale.data = course.source_locale
        self.competency_areas.data = list(course.competency_areas)
        self.specialties.data = ", ".join(course.specialties)
        self.certificate_validity_months.data = course.certificate_validity_months
        self.issuer_org.data = str(course.issuer_org_id or "")

    def keep_fixed(self, course) -> None:
        """The short name and source language never change once a course exists (translations hang on them)."""
        self.slug.data = course.slug
        self.source_locale.choices = [(course.source_locale, course.source_locale)]
        self.source_locale.data = course.source_locale

    @property
    def issuer_org_id(self) -> int | None:
        return int(self.issuer_org.data) if self.issuer_org.data else None

    def course_data(self) -> CourseData:
        return CourseData(
            slug=self.slug.data, title=self.title.data.strip(), summary=(self.summary.data or "").strip(),
            version=self.version.data.strip(), kind=CourseKind(self.kind.data), source_locale=self.source_locale.data,
            competency_areas=tuple(self.competency_areas.data or ()), specialties=parse_specialties(self.specialties.data),
            certificate_validity_months=self.certificate_validity_months.data,
        )


class ModuleForm(FlaskForm):
    slug = _slug_field(_l("For example: heat-illness. It cannot be changed later."))
    title = _title_field("module")
    summary = TextAreaField(_l("Summary"), validators=[Optional(), _most("module", "summary")])
    kind = SelectField(_l("Kind of module"))
    credited_minutes = IntegerField(_l("Credited minutes"), default=60,
                                    validators=[InputRequired(), NumberRange(min=0, max=10_000)],
                                    description=_l("Training time credited when the module is complete."))
    is_required = BooleanField(_l("Required to complete the course"), default=True)
    competency_areas = _areas_field()
    specialties = _specialties_field()
    #: Sent back from the page that asked about a credit change in a published course (the values asked about)
    confirm = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = ModuleKind.choices()
        self.competency_areas.choices = area_choices()

    def fill_from(self, module, texts) -> None:
        self.slug.data = module.slug
        self.title.data = texts.get(module, "title").value
        self.summary.data = texts.get(module, "summary").value
        self.kind.data = module.kind.value
        self.credited_minutes.data = module.credited_minutes
        self.is_required.data = module.is_required
        self.competency_areas.data = list(module.competency_areas)
        self.specialties.data = ", ".join(module.specialties)

    def module_data(self) -> ModuleData:
        return ModuleData(
            slug=self.slug.data, title=self.title.data.strip(), summary=(self.summary.data or "").strip(),
            kind=ModuleKind(self.kind.data), credited_minutes=self.credited_minutes.data,
            is_required=self.is_required.data, competency_areas=tuple(self.competency_areas.data or ()),
            specialties=parse_specialties(self.specialties.data),
        )


class LessonForm(FlaskForm):
    slug = _slug_field(_l("For example: warning-signs. It cannot be changed later."))
    title = _title_field("lesson")
    body = TextAreaField(_l("Lesson text (Markdown)"), validators=[
        # i18n: a lesson text box holding only zero-width spaces, soft hyphens and the like
        DataRequired(), NotInvisible(_l("Write the lesson text. This one holds only invisible characters (such as "
                                        "zero-width spaces).")), _most("lesson", "body")])
    estimated_minutes = IntegerField(_l("Estimated minutes"), default=10,
                                     validators=[InputRequired(), NumberRange(min=1, max=600)])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save lesson"))

    def fill_from(self, lesson, texts) -> None:
        self.slug.data = lesson.slug
        self.title.data = texts.get(lesson, "title").value
        self.body.data = texts.get(lesson, "body").value
        self.estimated_minutes.data = lesson.estimated_minutes


class QuizForm(FlaskForm):
    title = StringField(_l("Quiz title"), validators=[Optional(), _most("quiz", "title")])
    pass_mark = IntegerField(_l("Pass mark (%)"), default=80, validators=[InputRequired(), NumberRange(min=1, max=100)])
    max_attempts = IntegerField(_l("Attempts allowed"), validators=[Optional(), NumberRange(min=1, max=100)],
                                description=_l("Leave empty for unlimited attempts."))
    #: Sent back from the page that asked about a change affecting trainees who took the quiz (the values asked about)
    confirm = HiddenField()

    def fill_from(self, quiz, texts) -> None:
        self.title.data = texts.get(quiz, "title").value
        self.pass_mark.data = quiz.pass_mark
        self.max_attempts.data = quiz.max_attempts


class GrantAttemptForm(FlaskForm):
    """One more attempt for a trainee who used every attempt (the page renders one small form per trainee)."""

    reason = StringField(_l("Reason"), validators=[DataRequired(message=_l("Give a reason for the extra attempt.")),
                                                   Length(max=500)])


class OptionRow(Form):
    """One answer row of a question; an empty row is ignored."""

    slug = HiddenField(filters=[_clean_slug])
    text = StringField(_l("Answer"), validators=[_most("option", "text")])
    is_correct = BooleanField(_l("Correct"))
    feedback = StringField(_l("Feedback"), validators=[Optional(), _most("option", "feedback")])

    def validate_text(self, field: StringField) -> None:
        """A row with feedback or a tick but no answer would otherwise be dropped, and its feedback lost; an answer of
        invisible characters alone would show as an empty choice."""
        if (field.data or "").strip() and not has_visible_text(field.data):
            # i18n: an answer box holding only zero-width spaces, soft hyphens and the like
            raise ValidationError(_("Write the answer, or empty the whole row. This one holds only invisible "
                                    "characters (such as zero-width spaces)."))
        if not (field.data or "").strip() and (self.is_correct.data or has_visible_text(self.feedback.data)):
            raise ValidationError(_("This row has feedback or is marked correct, but no answer. Write the answer, "
                                    "or empty the whole row."))


class QuestionForm(FlaskForm):
    slug = _slug_field(_l("For example: q3. It cannot be changed later."))
    kind = SelectField(_l("Kind of question"))
    prompt = TextAreaField(_l("Question"), validators=[
        # i18n: a question box holding only zero-width spaces, soft hyphens and the like
        DataRequired(), NotInvisible(_l("Write the question. This one holds only invisible characters (such as "
                                        "zero-width spaces).")), _most("question", "prompt")])
    options = FieldList(FormField(OptionRow), min_entries=OPTION_ROWS, max_entries=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = QuestionKind.choices()

    def fill_from(self, question, options, texts) -> None:
        self.slug.data = question.slug
        self.kind.data = question.kind.value
        self.prompt.data = texts.get(question, "prompt").value
        while len(self.options.entries) < len(options):
            self.options.append_entry()
        for row, option in zip(self.options.entries, options, strict=False):
            row.form.slug.data = option.slug
            row.form.text.data = texts.get(option, "text").value
            row.form.is_correct.data = option.is_correct
            row.form.feedback.data = texts.get(option, "feedback").value

    def option_data(self, known_slugs: set[str]) -> list[OptionData]:
        """The filled rows; a row keeps its option's slug only if it is a known, unrepeated one."""
        result, used = [], set()
        for row in self.options.entries:
            text = (row.form.text.data or "").strip()
            if not text:
                continue
            slug = row.form.slug.data or ""
            if slug not in known_slugs or slug in used:
                slug = next(f"o{n}" for n in range(1, 1000) if f"o{n}" not in known_slugs | used)
            used.add(slug)
            feedback = (row.form.feedback.data or "").strip()
            result.append(OptionData(slug=slug, text=text, is_correct=bool(row.form.is_correct.data),
                                     feedback=feedback if has_visible_text(feedback) else ""))
        return result
