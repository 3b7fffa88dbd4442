"""Importing the staff roster from a CSV file (and its template) on the organisations pages: current staff get the
details in the file, everyone else an invitation (``lms.orgs.roster``). Registered on the organisations blueprint
(``lms.orgs.*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from lms import db
from lms.errors import DomainError
from lms.hours import roster_starts
from lms.hours.roster_starts import RosterStartMoves
from lms.i18n import _, ngettext
from lms.orgs import roster, services
from lms.orgs.models import Organisation
from lms.pending_uploads import PendingFile, PendingUploads
from lms.security import access, current_user
from lms.web.employee_ids import warn_about_exported_ids
from lms.web.invitation_mail import invitee, send_invitations
from lms.web.kept_upload import KeptUpload
from lms.web.org_forms import InviteForm, RosterForm
from lms.web.org_limits import roster_import_limit, spend_invitations, too_many_for_roster
from lms.web.orgs import bp

#: The longest file name kept with a roster file.
MAX_NAME = 200


class RosterUpload(KeptUpload):
    """The roster file one submit imports (``upload``, a :class:`PendingFile`): newly chosen, or kept from the
    confirmation of start dates moved later (:mod:`lms.web.kept_upload`), so the manager need not choose it again."""

    file_field = "file"
    kept_field = "file_token"
    remove_field = "remove_file"
    store = PendingUploads(folder="roster-pending", salt="lms-pending-roster", field="file")

    def check(self, chosen: Any) -> PendingFile:
        """The form checked its type (its name); its content is read when it is imported."""
        return PendingFile((chosen.filename or "")[:MAX_NAME], chosen.read())


@dataclass
class _Outcome:
    """What one submit of the form came to: the page that follows an import, else the problems of the file, or the
    start dates it moves later that need confirming (nothing imported), or the status a refusal is shown with."""

    response: Any = None
    errors: list[str] = field(default_factory=list)
    moves: RosterStartMoves | None = None
    status: int = 400
    headers: Any = None


@bp.route("/<org_slug>/roster", methods=["GET", "POST"])
@access.org_manager
@roster_import_limit
def roster_import(org_slug: str):
    """The invitation limits count the people the file invites (``lms.web.org_limits.spend_invitations``): a file
    that would invite more than can be sent now changes nothing and sends nothing (the import is all or nothing).
    A file that moves current staff's start dates later (:mod:`lms.hours.roster_starts`) is imported only once the
    manager ticked the box under the list of those moves and what they change; until then the file is kept."""
    org = services.get_org(org_slug)
    form = RosterForm()
    valid, upload, outcome = form.validate_on_submit(), RosterUpload(form, current_user.id), _Outcome()
    if request.method == "POST":
        upload.read()
    if valid and upload.upload is not None and not form.file.errors:
        outcome = _import(org, form, upload)
        if outcome.response is not None:
            return outcome.response
    if outcome.errors:
        upload.discard()  # the file is to be fixed: another one is chosen
    else:
        upload.keep()
    status = outcome.status if request.method == "POST" else 200
    return _page(org, form, outcome.errors, outcome.moves), status, outcome.headers


def _import(org: Organisation, form: RosterForm, upload: RosterUpload) -> _Outcome:
    """Apply the file, then keep it (commit, email) only if every start date it moves later was confirmed and the
    invitations it sends are within the limits; otherwise roll it all back and say why. Applying first means that
    a refusal of the file is shown before, never after, the confirmation of its start dates."""
    plan = roster.parse_roster(roster.decode(upload.upload.data), current_app.config["LMS_ROSTER_MAX_ROWS"],
                               _form_labels())
    if not plan.ok:
        return _Outcome(errors=roster.all_problems(org, plan))
    moves = roster_starts.list_start_moves(org, plan)
    try:
        result = roster.apply_roster(
            org, plan, current_user._get_current_object(), current_app.config["LMS_INVITATION_MAX_AGE_DAYS"])
    except roster.RosterRefused as exc:
        db.session.rollback()
        return _Outcome(errors=exc.errors)
    except DomainError as exc:
        db.session.rollback()
        return _Outcome(errors=[exc.message])
    if moves and not form.confirms(moves.token):
        db.session.rollback()
        return _Outcome(moves=_ask_to_confirm(form, moves), status=200)
    refused = spend_invitations(len(result.invited))
    if refused is not None:
        db.session.rollback()
        form.form_errors.append(too_many_for_roster(len(result.invited), refused))
        return _Outcome(status=429, headers=refused.headers)
    upload.used()
    return _Outcome(response=_imported(org, plan, result))


def _ask_to_confirm(form: RosterForm, moves: RosterStartMoves) -> RosterStartMoves:
    """Show the moves with the box to tick: unticked, and an error at it when the manager sent the form without
    ticking it under these very moves (a file or staff records changed since get a note instead)."""
    if form.starts_shown.data == moves.token:
        form.move_starts.errors = [_("Tick the box to move these start dates later, or change them in the file "
                                     "and choose it again.")]
    elif form.starts_shown.data:
        form.form_errors.append(_("The start dates to move are not the ones you confirmed: the file or the staff "
                                  "records changed since. Check them again."))
    form.starts_shown.data, form.move_starts.data = moves.token, False
    return moves


def _form_labels() -> dict[str, object]:
    """The add-member form's label of each roster column, which may head it (lazily translated: the parser reads
    them in every language the site offers, so they stay as the form says them)."""
    form = InviteForm(formdata=None, meta={"csrf": False})
    return {column: form[column].label.text for column in roster.KNOWN}


def _page(org: Organisation, form: RosterForm, errors: list[str], moves: RosterStartMoves | None = None) -> str:
    return render_template("lms/orgs/roster.html", org=org, form=form, errors=errors, columns=roster.KNOWN,
                           spanish=roster.SPANISH_COLUMNS, sample=roster.SAMPLE, labels=_form_labels(), moves=moves)


def _imported(org: Organisation, plan: roster.RosterPlan, result: roster.RosterResult):
    """Commit the import, email its invitations and say what became of every line."""
    db.session.commit()
    if result.updated:
        flash(_("Updated the details of %(num)d current staff.", num=len(result.updated)), "success")
    if result.unchanged:
        flash(ngettext("%(num)d current staff member already has the employment details in the file: nothing changed "
                       "for them.",
                       "%(num)d current staff members already have the employment details in the file: nothing "
                       "changed for them.", len(result.unchanged)), "info")
    if result.other_name:
        flash(ngettext("%(num)d row for current staff has another name than their account: names come from each "
                       "person's own account and were not changed.",
                       "%(num)d rows for current staff have other names than their accounts: names come from each "
                       "person's own account and were not changed.", len(result.other_name)), "info")
    if result.sent_for_review:
        # i18n: after a roster import moved start dates earlier: training hours staff had logged in their own records,
        # dated within their employment here, now wait in this organisation's review queue
        flash(ngettext("%(num)d entry from your staff's own training records is now in your review queue: it is dated "
                       "within their employment here.",
                       "%(num)d entries from your staff's own training records are now in your review queue: they are "
                       "dated within their employment here.", result.sent_for_review), "success")
    send_invitations(org, result.invited)
    _flash_open_invitations(result)
    warn_about_exported_ids(row.employment.employee_id for row in plan.rows)
    return redirect(url_for("lms.orgs.show", org_slug=org.slug))


def _flash_open_invitations(result: roster.RosterResult) -> None:
    """What became of the open invitations the file met: left as they were (counted), replaced (named), sent again."""
    if result.kept:
        flash(ngettext("%(num)d person already has an open invitation with the details in the file: it is left as it "
                       "is (no new email; its link still works).",
                       "%(num)d people already have open invitations with the details in the file: they are left as "
                       "they are (no new emails; their links still work).", len(result.kept)), "info")
    if result.replaced:
        flash(ngettext("%(names)s already had an open invitation with other details: a new one with the details in "
                       "the file replaces it, and its earlier link no longer works.",
                       "%(names)s already had open invitations with other details: new ones with the details in the "
                       "file replace them, and their earlier links no longer work.", len(result.replaced),
                       names="; ".join(invitee(invitation) for invitation in result.replaced)), "info")
    if result.renewed:
        flash(ngettext("The open invitation of %(names)s had expired: we sent a new link.",
                       "The open invitations of %(names)s had expired: we sent new links.", len(result.renewed),
                       names="; ".join(invitee(invitation) for invitation in result.renewed)), "info")


@bp.get("/<org_slug>/roster/template.csv")
@access.org_manager
def roster_template(org_slug: str):
    services.get_org(org_slug)
    # A byte-order mark, so that Excel reads the accents as UTF-8 (the import accepts the file with or without one).
    example = ",".join(roster.SAMPLE[column] for column in roster.KNOWN)  # refused on import: nobody's row
    body = "\ufeff" + ",".join(roster.KNOWN) + "\r\n" + example + "\r\n"
    disposition = 'attachment; filename="roster-template.csv"'
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})
