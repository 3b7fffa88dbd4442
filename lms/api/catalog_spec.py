"""The OpenAPI description of the catalog and enrolment API (:mod:`lms.api.catalog`), merged by
:mod:`lms.api.openapi`."""

from __future__ import annotations

from lms.api.spec_parts import error_responses, json_body

_LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "Language of the texts (titles and summaries); one of the site's languages (enum). Not a "
                        "filter"}
_LANGUAGE = {"name": "language", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "Only courses written in this language or translated into it (as the web catalog's "
                            "Language filter); one of the site's languages (enum)"}
_COURSE_SLUG = {"name": "course_slug", "in": "path", "required": True, "schema": {"type": "string"}}
_COURSE_FIELDS = {
    "slug": {"type": "string"},
    "title": {"type": "string"},
    "summary": {"type": "string"},
    "locale": {"type": "string", "description": "Language the title is given in"},
    "is_fallback": {"type": "boolean", "description": "Some text is in the source language, not the one asked for"},
    "kind": {"type": "string", "enum": ["core", "continuing", "specialty"]},
    "version": {"type": "string"},
    "source_locale": {"type": "string"},
    "languages": {"type": "array", "items": {"type": "string"}},
    "competency_areas": {"type": "array", "items": {"type": "string"},
                         "description": "The areas the course itself is tagged with"},
    "covered_competency_areas": {"type": "array", "items": {"type": "string"},
                                 "description": "The areas the course covers: its own and its live modules' "
                                                "(what the ?area= filter, the course page and certificates use)"},
    "credited_minutes": {"type": "integer", "minimum": 0, "description": "Sum over the required modules"},
}
COURSE_SUMMARY = {"type": "object", "required": list(_COURSE_FIELDS), "properties": _COURSE_FIELDS}
COURSE_LIST = {
    "type": "object",
    "required": ["courses"],
    "properties": {"courses": {"type": "array", "items": {"$ref": "#/components/schemas/CourseSummary"}}},
}
LESSON_REF = {
    "type": "object",
    "required": ["slug", "title", "estimated_minutes"],
    "properties": {"slug": {"type": "string"}, "title": {"type": "string"}, "estimated_minutes": {"type": "integer"}},
}
MODULE_OUTLINE = {
    "type": "object",
    "required": ["slug", "title", "kind", "required", "credited_minutes", "lessons", "has_quiz"],
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "kind": {"type": "string", "enum": ["self_paced", "live", "field"]},
        "required": {"type": "boolean"},
        "credited_minutes": {"type": "integer", "minimum": 0},
        "competency_areas": {"type": "array", "items": {"type": "string"}},
        "lessons": {"type": "array", "items": {"$ref": "#/components/schemas/LessonRef"}},
        "has_quiz": {"type": "boolean"},
        "quiz": {
            "type": ["object", "null"],
            "required": ["pass_mark", "max_attempts"],
            "properties": {"pass_mark": {"type": "integer"}, "max_attempts": {"type": ["integer", "null"]}},
        },
    },
}
COURSE_OUTLINE = {
    "type": "object",
    "required": [*_COURSE_FIELDS, "modules"],
    "properties": {**_COURSE_FIELDS,
                   "modules": {"type": "array", "items": {"$ref": "#/components/schemas/ModuleOutline"}}},
}
ENROLLMENT = {
    "type": "object",
    "required": ["course", "status", "enrolled_at", "completed_at", "percent", "modules_completed",
                 "required_modules", "required_modules_completed"],
    "properties": {
        "course": {
            "type": "object",
            "required": ["slug", "title", "version"],
            "properties": {"slug": {"type": "string"}, "title": {"type": "string"},
                           "version": {"type": "string", "description": "Version enrolled in"}},
        },
        "status": {"type": "string", "enum": ["active", "completed", "withdrawn"]},
        "enrolled_at": {"type": "string", "format": "date-time"},
        "completed_at": {"type": ["string", "null"], "format": "date-time"},
        "percent": {"type": "integer", "minimum": 0, "maximum": 100, "description": "Required modules completed"},
        "modules_completed": {"type": "integer", "minimum": 0},
        "required_modules": {"type": "integer", "minimum": 0},
        "required_modules_completed": {"type": "integer", "minimum": 0},
    },
}
ENROLLMENT_LIST = {
    "type": "object",
    "required": ["enrollments"],
    "properties": {"enrollments": {"type": "array", "items": {"$ref": "#/components/schemas/Enrollment"}}},
}
OPENAPI_SCHEMAS = {"CourseSummary": COURSE_SUMMARY, "CourseList": COURSE_LIST, "LessonRef": LESSON_REF,
                   "ModuleOutline": MODULE_OUTLINE, "CourseOutline": COURSE_OUTLINE, "Enrollment": ENROLLMENT,
                   "EnrollmentList": ENROLLMENT_LIST}
OPENAPI_PATHS = {
    "/courses": {
        "get": {
            "summary": "Published courses, filtered by language, kind and competency area (public)",
            "description": "language filters by the languages a course is readable in; lang only chooses the "
                           "language of the titles and summaries, as on every address (until December 2026 lang "
                           "also filtered here: send language for that). A filter that is not valid is a 400 "
                           "invalid_parameter naming it in parameter; a query parameter other than language, lang, "
                           "kind and area is refused (400 unknown_parameter), so a misspelt filter does not list "
                           "every course.",
            "operationId": "listCourses",
            "security": [],
            "parameters": [
                _LANGUAGE,
                _LANG,
                {"name": "kind", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["core", "continuing", "specialty"]}},
                {"name": "area", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "A competency area code, e.g. communication"},
            ],
            "responses": {"200": {"description": "OK", **json_body("CourseList")}, **error_responses(400)},
        }
    },
    "/courses/{course_slug}": {
        "get": {
            "summary": "A course's outline: modules, lessons and quizzes (public for published courses)",
            "description": "Signing in is optional: trainers, and trainees enrolled in it, also see a course that is "
                           "not published, so a bearer token that is not valid is refused (401), never ignored.",
            "operationId": "getCourseOutline",
            "security": [{}, {"bearer": []}, {"session": []}],
            "parameters": [_COURSE_SLUG, _LANG],
            "responses": {"200": {"description": "OK", **json_body("CourseOutline")}, **error_responses(400, 404)},
        }
    },
    "/courses/{course_slug}/enrollment": {
        "post": {
            "summary": "Enrol yourself (idempotent; a browser session must send X-CSRFToken, bearer tokens need not)",
            "operationId": "enrollInCourse",
            "parameters": [_COURSE_SLUG, _LANG],
            "responses": {
                "201": {"description": "Enrolled now", **json_body("Enrollment")},
                "200": {"description": "Already enrolled", **json_body("Enrollment")},
                **error_responses(400, 401, 404),
            },
        }
    },
    "/me/enrollments": {
        "get": {
            "summary": "Your enrolments with progress",
            "operationId": "listMyEnrollments",
            "parameters": [_LANG],
            "responses": {"200": {"description": "OK", **json_body("EnrollmentList")}, **error_responses(400, 401)},
        }
    },
}
