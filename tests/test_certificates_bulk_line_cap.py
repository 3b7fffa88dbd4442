"""The public bulk verification page refuses, unread, text with more lines than 500 codes need
(:data:`lms.certificates.pasted.MAX_LINES`): reading costs time per line, and 256 kB of lines of dashes took seconds
of CPU per request. Lists of real size, wrapped codes included, are read as before."""

from __future__ import annotations

import io

from lms.certificates import bulk, pasted
from lms.certificates.verification import MAX_BULK


def _post(client, u, **data):
    path = u("lms.certificates.verify_bulk")
    return client.post(path, data={"csrf_token": client.csrf_token(path), **data})


def test_pasted_text_with_too_many_lines_is_refused_unread(client, u, monkeypatch):
    monkeypatch.setattr(bulk, "codes_from_text", lambda text: (_ for _ in ()).throw(AssertionError("read")))
    page = _post(client, u, codes="-\n" * (pasted.MAX_LINES + 1))
    assert page.status_code == 400
    assert f"That is too much text: paste at most {MAX_BULK} codes." in page.get_data(as_text=True)


def test_a_file_with_too_many_lines_is_refused_unread(client, u):
    for name, data in (("codes.txt", b"-\n" * (pasted.MAX_LINES + 1)),
                       ("codes.csv", b"-\r\n" * (pasted.MAX_LINES + 1)),
                       ("codes.txt", "\ufeff".encode("utf-16-le") + "-\n".encode("utf-16-le") * (pasted.MAX_LINES + 1))):
        page = _post(client, u, file=(io.BytesIO(data), name))
        assert page.status_code == 400, name
        assert f"The file is too large: send at most {MAX_BULK} codes." in page.get_data(as_text=True), name


def test_blank_lines_do_not_count_and_a_full_list_of_wrapped_codes_fits():
    assert not pasted.too_many_lines("\n\n\r\n" * 10 * pasted.MAX_LINES)  # blank lines between codes: one break each
    wrapped = "ABCD-EFGH-JKLM-\nNPQR-STUV-\nWXYZ-2345\n" * MAX_BULK  # each code over three lines, as a PDF copies it
    assert not pasted.too_many_lines(wrapped)
    assert pasted.too_many_lines("x\n" * (pasted.MAX_LINES + 1))
