"""Learning for trainees: catalog, course pages, lesson reader, quizzes, progress; enrolment by managers."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses")

from lms.web.learn import ask, quiz, reader, staff, views  # noqa: E402,F401
