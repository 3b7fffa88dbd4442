"""Accounts on the web: sign-up (:mod:`.signup`), sign-in and out (:mod:`.signin`), the confirmation of a new account's address
(:mod:`.confirm_address`), password reset (:mod:`.password_reset`), the profile (:mod:`.profile`) with a change of
email address (:mod:`.email_address`) and the download of one's data (:mod:`.my_data`), and personal API tokens
(:mod:`.tokens`; after a change of password, :mod:`.tokens_after_password`).
One blueprint, ``lms.accounts``; each module adds its views to it."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from lms.web.accounts import (  # noqa: E402,F401
    confirm_address,
    email_address,
    my_data,
    password_reset,
    profile,
    signin,
    signup,
    tokens,
    tokens_after_password,
)
