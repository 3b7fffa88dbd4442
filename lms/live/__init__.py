"""Live (synchronous) sessions: scheduling, registration with a waitlist, calendars, reminders and attendance."""
