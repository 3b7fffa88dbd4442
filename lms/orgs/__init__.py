"""Organisations (employers, training providers), their memberships, invitations and settings."""
