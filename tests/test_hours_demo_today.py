"""The hours demo dates its entries from today where each person is (their time zone, else the site's), not from the
server's date: in the evening in California, UTC (and a server on it) is already on the next day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from lms import db
from lms.hours.models import HoursEntry

#: 03:30 UTC on 10 March 2026: 20:30 on 9 March in Los Angeles (the site's zone), 12:30 on 10 March in Tokyo.
NOW = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)


def test_demo_dates_count_back_from_each_persons_today(app, monkeypatch):
    from lms.accounts import services as accounts
    from lms.demo import seed_demo
    from lms.hours import demo

    assert app.config["LMS_DEFAULT_TIMEZONE"] == "America/Los_Angeles"
    maria = accounts.register_user("promotora@example.org", "Maria Promotora", "demo-password-123")
    maria.timezone = "Asia/Tokyo"
    db.session.flush()
    monkeypatch.setattr(demo, "utcnow", lambda: NOW)
    seed_demo("demo-password-123")
    db.session.commit()
    dates = {e.idempotency_key: e.activity_date for e in db.session.execute(select(HoursEntry)).scalars()}
    assert dates["demo-hours-tom-fair"] == date(2026, 3, 6)  # 3 days before 9 March, Tom's today (the site's zone)
    assert dates["demo-hours-maria-charla"] == date(2026, 2, 26)  # 12 days before 10 March, Maria's today in Tokyo
