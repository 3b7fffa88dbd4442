"""Enrolments, lesson progress, quiz attempts and completion."""
