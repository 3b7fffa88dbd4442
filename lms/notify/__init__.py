"""Email notifications, rendered in each recipient's language and sent over SMTP."""
