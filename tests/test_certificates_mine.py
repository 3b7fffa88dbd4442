"""The trainee's "My certificates" page: a revoked or expired certificate says so plainly and offers nothing to share;
a valid one invites sharing with an employer."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale, format_date

from lms import db
from lms.certificates.models import Certificate
from lms.db import utcnow
from tests import test_certificates_web as web

completed = web.completed  # the fixture: Rosa completed a course and holds its certificate

LA = ZoneInfo("America/Los_Angeles")
SHARE = "Share the verification page or the code with an employer"


def test_my_certificates_says_a_revoked_one_is_revoked_and_offers_no_sharing(client, u, login, completed):
    web._revoke(completed, reason="Issued to the wrong person")
    completed["trainee"].locale = "en"
    db.session.commit()
    login(completed["trainee"])
    page = client.get(u("lms.certificates.mine")).get_data(as_text=True)
    with force_locale("en"):  # the day in the trainee's time zone (the site's: she has not chosen one)
        revoked = format_date(db.session.get(Certificate, completed["cert"].id).revoked_at.astimezone(LA).date(), "long")
    assert f"This certificate was revoked on {revoked}." in page and "Reason: Issued to the wrong person" in page
    assert "It is no longer valid" in page and completed["code"] in page.replace("</span><wbr>", "").replace(
        '<span class="cert-group">', "")  # the code's groups may break only between them (test_learner_qa_fixes)
    assert SHARE not in page and "Digital credential" not in page
    assert u("lms.certificates.verify_page", code=completed["code"]) not in page
    assert u("lms.api.certificate_credential", code=completed["code"]) not in page
    assert u("lms.certificates.pdf", code=completed["code"]) not in page


def test_my_certificates_says_an_expired_one_has_expired_and_keeps_only_the_download(client, u, login, completed):
    cert = db.session.get(Certificate, completed["cert"].id)
    cert.expires_at = utcnow() - timedelta(days=2)  # as if issued long ago: the instant and its day in the snapshot
    cert.snapshot = {**cert.snapshot, "expires_on": cert.expires_at.astimezone(LA).date().isoformat()}
    completed["trainee"].locale = "en"
    db.session.commit()
    login(completed["trainee"])
    page = client.get(u("lms.certificates.mine")).get_data(as_text=True)
    with force_locale("en"):
        expired = format_date(cert.expires_at.astimezone(LA).date(), "long")
    assert f"This certificate expired on {expired}." in page and "told that it has expired" in page
    assert SHARE not in page and u("lms.certificates.verify_page", code=completed["code"]) not in page
    assert u("lms.api.certificate_credential", code=completed["code"]) not in page
    assert u("lms.certificates.pdf", code=completed["code"], bilingual=1).replace("&", "&amp;") in page
    cert.expires_at = None  # a valid one still invites sharing
    db.session.commit()
    page = client.get(u("lms.certificates.mine")).get_data(as_text=True)
    assert SHARE in page and "This certificate expired" not in page and "no longer valid" not in page
