import time
from sqlalchemy import select
from lms import db
from lms.live.models import LiveSession
from lms.certificates.models import Certificate
from lms.accounts.services import get_user_by_email
from tests.browser.conftest import axe_violations, new_page, sign_in, switch_language


def urls(live_server):
    with live_server.data():
        s = {k: db.session.execute(select(LiveSession.id).where(LiveSession.series_key == k).order_by(LiveSession.starts_at)).scalars().first()
             for k in ("demo-es-online", "demo-en-weekly", "demo-full", "demo-attendance-past")}
        certs = db.session.execute(select(Certificate)).scalars().all()
        valid = [c.code for c in certs if c.status.value == "valid"][0]
        revoked = [c.code for c in certs if c.status.value == "revoked"][0]
        tom = get_user_by_email("trainee@example.org").id
    return {
        None: ["/", "/login", "/signup", "/reset", "/courses/", "/courses/chw-core", "/sessions/", f"/sessions/{s['demo-es-online']}",
               "/verify", f"/verify/{valid}", f"/verify/{revoked}", "/verify/bulk", "/verify?code=bad"],
        "trainee@example.org": ["/", "/courses/chw-core", "/courses/chw-core/communication/active-listening", "/courses/chw-core/communication/quiz",
                                "/sessions/mine", f"/sessions/{s['demo-en-weekly']}", "/sessions/check-in", "/hours/", "/hours/external", "/hours/field",
                                "/certificates/", "/profile", "/tokens", "/hours/my/summary", "/hours/my/periods"],
        "trainer@example.org": ["/authoring/", "/authoring/new", "/authoring/chw-core/", "/authoring/chw-core/modules/communication/edit",
                                "/authoring/chw-core/modules/communication/lessons/active-listening/edit", "/authoring/chw-core/translations",
                                "/authoring/chw-core/translate/es/modules/communication/lessons/active-listening",
                                "/authoring/chw-core/modules/communication/quiz", "/sessions/teach", "/sessions/new",
                                f"/sessions/{s['demo-attendance-past']}/attendance", f"/sessions/{s['demo-attendance-past']}/attendance/{tom}",
                                f"/sessions/{s['demo-en-weekly']}/check-in-code", "/certificates/issue", f"/sessions/{s['demo-en-weekly']}"],
        "employer@example.org": ["/orgs/", "/orgs/demo/", "/hours/orgs/demo/queue", "/hours/orgs/demo/timesheets", "/hours/orgs/demo/compliance",
                                 "/orgs/demo/certificates", f"/sessions/{s['demo-en-weekly']}/staff/demo"],
    }


def test_explore(browser, live_server):
    out = []
    for who, paths in urls(live_server).items():
        for lang in ("English", "Español"):
            page = new_page(browser, live_server)
            if who:
                sign_in(page, who)
            page.goto("/")
            switch_language(page, lang)
            for path in paths:
                t = time.time()
                r = page.goto(path)
                t1 = time.time()
                v = axe_violations(page)
                t2 = time.time()
                out.append(f"{who} {lang} {path} {r.status} nav={t1-t:.2f} axe={t2-t1:.2f} {v}")
            if who:
                switch_language(page, "English")
            page.context.close()
    print("\n".join(out))
