"""Hours views: a staff member's training transcript for their organisation's managers (current and former staff).

The manager's copy holds the organisation's own records only (:func:`lms.hours.transcript.build_transcript` with
``org``): the approved training recorded with it, which it keeps for audit after the person leaves, and nothing
recorded with another employer or by the person alone. It is in the manager's language, like the CE checklist.
"""

from __future__ import annotations

from flask import Response

from lms.hours import compliance, periods, transcript
from lms.hours.pdf import download_headers, render_pdf
from lms.i18n import current_locale
from lms.orgs.services import get_org
from lms.security import access
from lms.web.file_names import transcript_file_name
from lms.web.hours import bp
from lms.web.hours.compliance import user_slug


@bp.get("/orgs/<org_slug>/transcripts/<int:user_id>.pdf")
@access.org_manager
def staff_transcript(org_slug: str, user_id: int):
    org = get_org(org_slug)
    membership = compliance.get_member(org, user_id)
    data = transcript.build_transcript(membership.user, periods.org_today(org), current_locale(), org,
                                       membership.employment_end)
    pdf = render_pdf("lms/pdf/transcript.html", t=data)
    name = transcript_file_name(user_slug(data.name), org.slug)
    return Response(pdf, mimetype="application/pdf", headers=download_headers(name))
