"""Quiz editor forms: a quiz's settings, a question with its answer rows, and one more attempt for a trainee. Texts
are edited in the course's source language."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from lms.catalog.models import QuestionKind
from lms.catalog.quiz_authoring import OptionData
from lms.catalog.texts import has_visible_text
from lms.i18n import _, _l
from lms.web.authoring.forms import PLAIN_TEXT, _clean_slug, _most, _slug_field
from lms.web.validators import Length, NotInvisible, NumberRange, Reason

OPTION_ROWS = 6


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

    reason = StringField(_l("Reason"), validators=[Reason(_l("Give a reason for the extra attempt.")),
                                                   Length(max=500)])


class OptionRow(Form):
    """One answer row of a question; an empty row is ignored."""

    slug = HiddenField(filters=[_clean_slug])
    text = StringField(_l("Answer"), validators=[_most("option", "text")])
    is_correct = BooleanField(_l("Correct"))
    feedback = StringField(_l("Feedback"), validators=[Optional(), _most("option", "feedback")], description=PLAIN_TEXT)

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
                                        "zero-width spaces).")), _most("question", "prompt")], description=PLAIN_TEXT)
    options = FieldList(FormField(OptionRow), _l("Answers"), min_entries=OPTION_ROWS, max_entries=40)
    #: Sent back from the page that asked about new right answers on a question trainees answered (those answers)
    confirm = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = QuestionKind.choices()
        self.name_rows()

    def name_rows(self) -> None:
        """Each answer row labelled "Answer 2": its fieldset's legend, and what the error summary says a row's problem
        is in (lms/_forms.html)."""
        for number, row in enumerate(self.options.entries, start=1):
            row.label.text = _("Answer %(num)d", num=number)

    def fill_true_false(self, answers: tuple[str, str]) -> None:
        """A true-or-false question sent with no answers gets ``answers`` ("True", "False" in the course's
        language) in its first two rows, keeping any Correct box ticked there: the author only marks the right one."""
        if self.kind.data != QuestionKind.TRUE_FALSE.value or len(self.options.entries) < 2:
            return
        if any((row.form.text.data or "").strip() for row in self.options.entries):
            return
        for row, answer in zip(self.options.entries, answers, strict=False):
            row.form.text.data = answer

    def fill_from(self, question, options, texts) -> None:
        self.slug.data = question.slug
        self.kind.data = question.kind.value
        self.prompt.data = texts.get(question, "prompt").value
        while len(self.options.entries) < len(options):
            self.options.append_entry()
        self.name_rows()
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
