"""Users, roles, sign-in sessions, password reset and personal API tokens."""
