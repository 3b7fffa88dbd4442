"""The bulk verification page is public and reads up to Flask's ``MAX_FORM_MEMORY_SIZE`` (500 kB) of pasted text,
which takes seconds for lines of dashes (each line a query, each a wrapped-code candidate): the view reads the pasted
text once, also when the codes are too many and it tells which field sent too many (it read it twice)."""

from __future__ import annotations

import io

from lms.certificates import bulk
from lms.certificates.verification import MAX_BULK


def test_pasted_codes_are_read_once_even_when_too_many(client, u, monkeypatch):
    calls = []
    read = bulk.codes_from_text
    monkeypatch.setattr(bulk, "codes_from_text", lambda text: calls.append(len(text)) or read(text))
    path = u("lms.certificates.verify_bulk")
    pasted = "\n".join(f"C{n:04d}" for n in range(MAX_BULK + 1))
    page = client.post(path, data={"csrf_token": client.csrf_token(path), "codes": pasted,
                                   "file": (io.BytesIO(b"K7QM\r\n"), "codes.csv")})
    assert page.status_code == 400
    assert f"verify at most {MAX_BULK} at a time." in page.get_data(as_text=True)
    assert calls == [len(pasted)]
