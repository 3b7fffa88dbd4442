"""Imports every module that connects signal receivers, so they are active once the extension is set up.

Receivers: certificates issue on ``enrollment-completed``; hours append ledger entries on ``module-completed`` and
``attendance-finalized``; live replaces the personal calendar-feed link on ``password-reset``.
"""

import importlib

RECEIVER_MODULES = ["lms.certificates.issuance", "lms.hours.listeners", "lms.live.calendar"]


def connect_all() -> None:
    for name in RECEIVER_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a missing dependency inside the module is a real error
                raise
