"""Hours views: the continuing-education dashboard and the DHCS Annual Continuing Training Checklist (managers)."""

from __future__ import annotations

import unicodedata

from flask import Response, render_template

from lms.certificates import withheld
from lms.hours import ce_checklist, compliance, periods
from lms.hours.pdf import download_headers, render_pdf
from lms.i18n import _, current_locale
from lms.orgs.queries import member_ids_by_user
from lms.orgs.services import get_org
from lms.security import access
from lms.web.file_names import checklist_file_name
from lms.web.hours import bp
from lms.web.hours.day_args import day_arg, required_day_arg


def _day(org):
    """``?on=YYYY-MM-DD`` picks the CE year containing that day; default today where the organisation is. For a
    download, a day that is not one is a 400 saying why (:func:`lms.web.hours.day_args.required_day_arg`)."""
    return required_day_arg("on") or periods.org_today(org)


@bp.get("/orgs/<org_slug>/compliance")
@access.org_manager
def compliance_dashboard(org_slug: str):
    org = get_org(org_slug)
    day, problem = day_arg("on")
    notes = [problem, _("Showing continuing education as of today instead.")] if problem else []
    real_today = periods.org_today(org)
    today = day or real_today
    return render_template("lms/hours/reports/compliance.html", org=org, today=today, is_today=today == real_today,
                           notes=notes, people=compliance.list_ce_status(org, today), member_ids=member_ids_by_user(org),
                           withheld=withheld.shown(withheld.list_for_org(org.id), current_locale()))


@bp.get("/orgs/<org_slug>/compliance/<int:user_id>/checklist.pdf")
@access.org_manager
def checklist_pdf(org_slug: str, user_id: int):
    org = get_org(org_slug)
    checklist = ce_checklist.build_checklist(org, compliance.get_member(org, user_id), _day(org), current_locale())
    pdf = render_pdf("lms/pdf/checklist.html", c=checklist)
    return Response(pdf, mimetype="application/pdf", headers=download_headers(_filename(checklist, "pdf")))


@bp.get("/orgs/<org_slug>/compliance/<int:user_id>/checklist.csv")
@access.org_manager
def checklist_csv(org_slug: str, user_id: int):
    org = get_org(org_slug)
    checklist = ce_checklist.build_checklist(org, compliance.get_member(org, user_id), _day(org), current_locale())
    return Response(ce_checklist.checklist_csv(checklist), mimetype="text/csv",
                    headers=download_headers(_filename(checklist, "csv")))


def _filename(checklist: ce_checklist.Checklist, extension: str) -> str:
    return checklist_file_name(user_slug(checklist.chw_name), checklist.year_start.isoformat(), extension)


def user_slug(name: str) -> str:
    """ASCII letters and digits of a name for a download's file name (header-safe)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_name).split()).lower() or "staff"
