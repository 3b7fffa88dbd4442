"""Course files (``courses/``, docs/course-format.md): read and validate them, then import them into the catalog.

``read_courses(path)`` checks every file and returns the courses or every problem as ``file:line: message``;
``import_courses(courses)`` upserts them by slug (flushes; the caller commits once, or rolls back).
``lms.content.export.export_course(course)`` writes a course back as such files (``lms.content.export_files``: checked,
to a folder or a zip).
"""

from __future__ import annotations

from lms.content.importer import ArchiveRefused, ImportFailure, Summary, import_courses
from lms.content.loader import Problem
from lms.content.validate import Reading, count_files, read_courses

__all__ = ["ArchiveRefused", "ImportFailure", "Problem", "Reading", "Summary", "count_files", "import_courses", "read_courses"]
