"""Course authoring for trainers: courses, modules, lessons, quizzes, translations, publishing."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/authoring")

from lms.web.authoring import views  # noqa: E402,F401
