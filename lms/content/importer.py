"""Writing validated course files to the catalog (docs/course-format.md).

Slugs are keys: a course, module, lesson, question or option that exists is updated in place, so its id (which
enrolments, lesson progress and quiz attempts point at) never changes. Nothing is deleted: modules, lessons, quizzes,
questions and options that left the files are archived, and come back if they return; but a module trainees are
taking or worked on is archived only when the caller says so, and one with live sessions still scheduled never
(:func:`import_courses`). Importing the same files twice
changes nothing. The caller validates first (:func:`lms.content.validate.read_courses`) and commits once at the end.

Every course, module, lesson, quiz and question is saved through the catalog's own services, so each one the files
add or change gets its audit row, with the fields that changed, old and new, as an edit on the authoring pages does
(:mod:`lms.catalog.edits`), and each one archived or brought back its own (:func:`lms.catalog.archive.archive_from_files`);
on the command line no one is the row's actor. Once a course that was on the site is written, its trainees left with
nothing more to do (by what the files archived) are completed (:func:`lms.enrollment.recheck.complete_finished`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lms.catalog import module_kind
from lms.catalog.archive import archive_from_files, restore_from_files
from lms.catalog.course_authoring import CourseData, create_course, set_course_issuer, set_course_status, update_course
from lms.catalog.lesson_authoring import add_lesson, update_lesson
from lms.catalog.models import Course, CourseStatus, Lesson, Module
from lms.catalog.module_authoring import ModuleData, add_module, update_module
from lms.catalog.services import find_course, load_outline
from lms.content.quiz_import import sync_quiz
from lms.content.specs import CourseSpec, LessonSpec, ModuleSpec
from lms.content.writing import (
    ArchiveRefused,
    Context,
    ImportFailure,
    Summary,
    describe_people,
    describe_sessions,
    text_values,
)
from lms.enrollment.module_people import count_module_people
from lms.enrollment.recheck import complete_finished
from lms.errors import DomainError
from lms.orgs.services import find_org

__all__ = ["ArchiveRefused", "ImportFailure", "Summary", "import_courses"]


def import_courses(courses: list[CourseSpec], actor: Any = None, tick: Callable[[], None] | None = None, *,
                   archive_missing: bool = False) -> Summary:
    """Create or update every course; ``tick()`` is called once per module written. Flushes, never commits.

    A module on the site that the files no longer list is archived, but one that trainees are taking (the course has
    enrolments in progress) or worked on is archived only with ``archive_missing``, and one with live sessions still
    scheduled (started or not) never, as the authoring pages refuse removing it
    (:func:`lms.catalog.module_kind.check_removable`): its sessions must be cancelled first. Otherwise every course is
    still written (to find them all) and :class:`ArchiveRefused` is raised at the end, naming them with their counts;
    the caller rolls back."""
    summary = Summary()
    for spec in courses:
        import_course(spec, summary, actor, tick or (lambda: None), archive_missing=archive_missing)
    if summary.held or summary.scheduled:
        raise ArchiveRefused(summary.held, summary.scheduled)
    return summary


def import_course(spec: CourseSpec, summary: Summary, actor: Any, tick: Callable[[], None], *,
                  archive_missing: bool = False) -> Course:
    course = find_course(spec.slug)
    before = text_values(course)
    try:
        course, action = _course(course, spec, actor)
    except DomainError as exc:
        raise ImportFailure(spec.path, exc.message) from exc
    context = Context(course=course, summary=summary, actor=actor, archive_missing=archive_missing)
    context.load()
    context.note(course, action, spec.slug)
    if _issuer(course, spec, actor) and action == "kept":
        context.note(course, "updated", f"{spec.slug} (issued by {spec.issuer})")
    context.write(course, spec.texts)
    _modules(context, spec, tick)
    if spec.status is not None and spec.status is not course.status:
        try:
            set_course_status(course, spec.status, actor)
        except DomainError as exc:
            raise ImportFailure(spec.path, exc.message) from exc
        if action == "kept":
            context.note(course, "updated", f"{spec.slug} (status {spec.status.value})")
    if action != "created":  # what the files archived may leave trainees nothing more to do: completed now
        complete_finished(course)
    context.count_texts(before)
    return course


def _issuer(course: Course, spec: CourseSpec, actor: Any) -> bool:
    """Name the organisation of ``issuer:`` as the course's issuer (audited); whether that changed anything."""
    if spec.issuer is None:
        return False
    org = find_org(spec.issuer)
    if org is None:
        raise ImportFailure(spec.path, f"issuer {spec.issuer!r}: no organisation has this slug on this site "
                                       "(create it first, or remove the line)")
    if course.issuer_org_id == org.id:
        return False
    set_course_issuer(course, org.id, actor)
    return True


def _course_data(spec: CourseSpec) -> CourseData:
    return CourseData(
        slug=spec.slug, title=spec.source(spec.texts, "title"), summary=spec.source(spec.texts, "summary"),
        version=spec.version, kind=spec.kind, source_locale=spec.source_locale,
        competency_areas=tuple(spec.competency_areas), specialties=tuple(spec.specialties),
        certificate_validity_months=spec.certificate_validity_months,
    )


def _course(course: Course | None, spec: CourseSpec, actor: Any) -> tuple[Course, str]:
    data = _course_data(spec)
    if course is None:
        return create_course(data, actor), "created"
    stored = (course.version, course.kind, course.source_locale, list(course.competency_areas),
              list(course.specialties), course.certificate_validity_months)
    wanted = (data.version, data.kind, data.source_locale, list(data.competency_areas), list(data.specialties),
              data.certificate_validity_months)
    update_course(course, data, actor)  # records what changed, texts included
    return course, "kept" if stored == wanted else "updated"


def _modules(context: Context, spec: CourseSpec, tick: Callable[[], None]) -> None:
    """Write every module of ``spec``. A course that is published and stays so gets no required module trainees could
    not complete yet (:func:`lms.catalog.module_kind.check_imported`), as in the authoring pages."""
    outline = load_outline(context.course, include_archived=True)
    existing = {module.slug: module for module in outline.modules}
    live = [module for module in outline.modules if not module.is_archived]  # in order, before any is written
    stays_published = spec.status in (None, CourseStatus.PUBLISHED)
    for position, module_spec in enumerate(spec.modules, start=1):
        try:
            before = module_kind.Before.of(existing.get(module_spec.slug))
            module = _module(context, spec, existing.get(module_spec.slug), module_spec, position)
            _lessons(context, module, module_spec, outline.lessons.get(module.id, []))
            sync_quiz(context, module, outline.quizzes.get(module.id), module_spec)
            if stays_published:
                module_kind.check_imported(context.course, module, before)
        except DomainError as exc:
            raise ImportFailure(module_spec.path, exc.message) from exc
        tick()
    listed = {module_spec.slug for module_spec in spec.modules}
    _archive_missing(context, [m for slug, m in existing.items() if slug not in listed and not m.is_archived])
    context.record_order(context.course, live)


def _archive_missing(context: Context, modules: list[Module]) -> None:
    """Archive ``modules`` (left out of the files), or hold those with live sessions still scheduled, and those with
    trainees unless told otherwise (:func:`import_courses`). The audit row and the summary say who an archived module
    touched."""
    people = count_module_people(context.course, modules)
    sessions = module_kind.count_unremovable(modules)
    for module in modules:
        label, found = f"{context.course.slug}/{module.slug}", people[module.id]
        if module.id in sessions:
            context.summary.scheduled.append(f"{label}: {describe_sessions(sessions[module.id])}")
        if found and not context.archive_missing:
            context.summary.held.append(f"{label}: {describe_people(found)}")
        if module.id in sessions or (found and not context.archive_missing):
            continue
        counts = {"enrolled": found.enrolled, "with_progress": found.with_progress, "completed": found.completed}
        archive_from_files(context.course, module, context.actor, **(counts if found else {}))
        context.note(module, "archived", label, f" ({describe_people(found)})" if found else "")
        if found:
            context.summary.archived_with_people.append(f"{label}: {describe_people(found)}")


def _module(context: Context, course_spec: CourseSpec, module: Module | None, spec: ModuleSpec,
            position: int) -> Module:
    data = ModuleData(
        slug=spec.slug, title=course_spec.source(spec.texts, "title"), summary=course_spec.source(spec.texts, "summary"),
        kind=spec.kind, credited_minutes=spec.credited_minutes, is_required=spec.is_required,
        competency_areas=tuple(spec.competency_areas), specialties=tuple(spec.specialties),
    )
    action = "kept"
    if module is None:
        module, action = add_module(context.course, data, context.actor), "created"
    else:
        if (module.kind, module.credited_minutes, module.is_required, list(module.competency_areas),
                list(module.specialties), module.position, module.is_archived) != (
                spec.kind, spec.credited_minutes, spec.is_required, spec.competency_areas, spec.specialties, position,
                False):
            action = "updated"
        update_module(context.course, module, data, context.actor)  # records what changed, texts included
        if module.is_archived:
            restore_from_files(context.course, module, context.actor)
    module.position = position
    context.note(module, action, f"{course_spec.slug}/{spec.slug}")
    context.write(module, spec.texts)
    return module


def _lessons(context: Context, module: Module, spec: ModuleSpec, existing: list[Lesson]) -> None:
    by_slug = {lesson.slug: lesson for lesson in existing}
    live = [lesson for lesson in existing if not lesson.is_archived]  # in order, before any is written
    prefix = f"{context.course.slug}/{spec.slug}/"
    for lesson_spec in spec.lessons:
        lesson, action = _lesson(context, module, by_slug.get(lesson_spec.slug), lesson_spec)
        context.note(lesson, action, prefix + lesson_spec.slug)
        context.write(lesson, lesson_spec.texts)
    listed = {lesson_spec.slug for lesson_spec in spec.lessons}
    for slug, lesson in by_slug.items():
        if slug not in listed and not lesson.is_archived:
            archive_from_files(context.course, lesson, context.actor)
            context.note(lesson, "archived", prefix + slug)
    context.record_order(module, live)


def _lesson(context: Context, module: Module, lesson: Lesson | None, spec: LessonSpec) -> tuple[Lesson, str]:
    source = context.course.source_locale
    if lesson is None:
        lesson = add_lesson(context.course, module, spec.slug, spec.texts["title"][source], spec.texts["body"][source],
                            spec.minutes, context.actor)
        lesson.position = spec.position
        return lesson, "created"
    kept = (lesson.estimated_minutes, lesson.position, lesson.is_archived) == (spec.minutes, spec.position, False)
    update_lesson(context.course, lesson, spec.texts["title"][source], spec.texts["body"][source], spec.minutes,
                  context.actor)  # records what changed, texts included
    if lesson.is_archived:
        restore_from_files(context.course, lesson, context.actor)
    lesson.position = spec.position
    return lesson, "kept" if kept else "updated"
