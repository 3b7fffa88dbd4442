"""What the files say, once validated: plain data the importer writes to the catalog.

``texts`` maps a text field (``title``, ``body``, ``prompt``...) to ``{locale: value}``. The source locale always
holds every field of its object (optional fields as ``""``, so the files stay the truth); translations hold only
what their files give.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lms.catalog.models import CourseKind, CourseStatus, ModuleKind, QuestionKind

TextMap = dict[str, dict[str, str]]


@dataclass
class OptionSpec:
    slug: str
    is_correct: bool
    texts: TextMap = field(default_factory=dict)


@dataclass
class QuestionSpec:
    slug: str
    kind: QuestionKind
    options: list[OptionSpec] = field(default_factory=list)
    texts: TextMap = field(default_factory=dict)


@dataclass
class QuizSpec:
    path: Path
    pass_mark: int
    max_attempts: int | None
    questions: list[QuestionSpec] = field(default_factory=list)
    texts: TextMap = field(default_factory=dict)


@dataclass
class LessonSpec:
    path: Path
    slug: str
    position: int
    minutes: int
    texts: TextMap = field(default_factory=dict)


@dataclass
class ModuleSpec:
    path: Path
    slug: str
    kind: ModuleKind
    is_required: bool
    credited_minutes: int
    competency_areas: list[str] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)
    texts: TextMap = field(default_factory=dict)
    lessons: list[LessonSpec] = field(default_factory=list)
    quiz: QuizSpec | None = None


@dataclass
class CourseSpec:
    path: Path
    slug: str
    version: str
    kind: CourseKind
    source_locale: str
    status: CourseStatus | None
    certificate_validity_months: int | None
    issuer: str | None = None  # an organisation's slug; None keeps the course's issuer as it is on the site
    competency_areas: list[str] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)
    texts: TextMap = field(default_factory=dict)
    modules: list[ModuleSpec] = field(default_factory=list)

    def source(self, texts: TextMap, name: str) -> str:
        return texts.get(name, {}).get(self.source_locale, "")
