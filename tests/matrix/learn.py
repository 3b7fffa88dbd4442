"""Role matrix: catalog, learning, enrolment by managers, and the catalog API."""

EXPECTED: dict[str, str] = {
    "lms.courses.catalog": "public",
    "lms.courses.course": "public",
    "lms.courses.enroll": "signed_in",
    "lms.courses.withdraw": "signed_in",
    "lms.courses.lesson": "signed_in",
    "lms.courses.complete": "signed_in",
    "lms.courses.quiz": "signed_in",
    "lms.courses.quiz_result": "signed_in",
    "lms.courses.ask_attempt": "signed_in",
    "lms.courses.enroll_staff": "org_manager",
    "lms.api.list_courses": "public",
    "lms.api.course_outline": "public",
    "lms.api.my_enrollments": "signed_in",
    "lms.api.enroll_in_course": "signed_in",
}
