"""Authoring forms: course, module, lesson, quiz and question, and extra quiz attempts. Texts are edited in the
course's source language."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, Regexp, ValidationError

from lms.catalog.areas import area_choices, look_alike_message, mixes_scripts, specialty_slugs
from lms.catalog.course_authoring import CourseData
from lms.catalog.models import CourseKind, ModuleKind
from lms.catalog.module_authoring import ModuleData
from lms.catalog.slugs import SLUG_RE, check_lesson_slug
from lms.catalog.texts import MAX_LENGTHS
from lms.errors import DomainError
from lms.i18n import _, _l, locale_names
from lms.web.validators import Length, NotInvisible, NumberRange, VisibleText

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


class SlugField(StringField):
    """A short name: stored lowercased (:func:`_clean_slug`), but a refused one comes back as typed ("Bad Slug!",
    not "bad slug!"), so the author sees what was wrong. The box has no ``maxlength``: a browser would cut a long
    paste silently, and a short name cannot be changed later; the server refuses it with a message instead."""

    def _value(self) -> str:
        if self.errors and self.raw_data:
            return self.raw_data[0]
        return super()._value()


def _slug_field(description):
    return SlugField(
        _l("Short name for web addresses"),
        filters=[_clean_slug],
        validators=[DataRequired(), Length(max=64),
                    Regexp(SLUG_RE, message=_l("Use lowercase letters, numbers and hyphens."))],
        description=description, render_kw={"maxlength": False},
    )


def parse_specialties(value: str | None) -> tuple[str, ...]:
    """``"Asthma preventive services, Nutrición"`` → ``("asthma-preventive-services", "nutrición")``, duplicates
    dropped (:func:`lms.catalog.areas.specialty_slug`)."""
    return tuple(specialty_slugs((value or "").split(",")))


def check_specialties(_form, field) -> None:
    """A specialty that mixes alphabets in a word is refused at its box, named as typed (the rule is the services':
    :func:`lms.catalog.areas.checked_specialties`)."""
    for name in (field.data or "").split(","):
        if mixes_scripts(name):
            raise ValidationError(look_alike_message(name.strip()))


def _specialties_field():
    return StringField(_l("Specialties"), validators=[Optional(), Length(max=1000), check_specialties],
                       description=_l("Separate with commas, for example: asthma preventive services, violence prevention."))


#: Under a box whose text is shown as typed (with its line breaks), unlike the lesson text, which is Markdown.
# i18n: under a summary, question or feedback box; the lesson text box takes Markdown
PLAIN_TEXT = _l("Plain text; Markdown is not applied.")


def _plain_text_field(label, owner: str) -> TextAreaField:
    """An optional summary of an ``owner`` (course, module), held to its length limit; plain text, as it says."""
    return TextAreaField(label, validators=[Optional(), _most(owner, "summary")], description=PLAIN_TEXT)


def _areas_field():
    return SelectMultipleField(_l("Competency areas"), validate_choice=True)


class CourseForm(FlaskForm):
    slug = _slug_field(_l("For example: heat-safety. It cannot be changed later."))
    title = _title_field("course")
    summary = _plain_text_field(_l("Summary"), "course")
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
    summary = _plain_text_field(_l("Summary"), "module")
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
    #: False for a lesson that exists: its short name is fixed, whatever it is
    checks_slug = True

    def validate_slug(self, field: StringField) -> None:
        """A reserved short name is told with the other boxes' mistakes, not a round later; the rule stays the
        service's (:func:`lms.catalog.slugs.check_lesson_slug`)."""
        if self.checks_slug and not field.errors:
            try:
                check_lesson_slug(field.data)
            except DomainError as exc:
                raise ValidationError(exc.message) from exc

    def fill_from(self, lesson, texts) -> None:
        self.slug.data = lesson.slug
        self.title.data = texts.get(lesson, "title").value
        self.body.data = texts.get(lesson, "body").value
        self.estimated_minutes.data = lesson.estimated_minutes
