"""The course catalog: courses, modules, lessons and quizzes, with every text stored per locale."""
