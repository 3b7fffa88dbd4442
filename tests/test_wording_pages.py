"""Small wording fixes a Spanish-speaking manager ran into: the profile names her organisations and roles, the
organisation page reads as sentences, and the staff certificate filters are plural."""

from __future__ import annotations


def test_the_profile_names_the_organisations_and_roles_not_a_trainee_site_role(client, u, make_user, make_org, login):
    manager = make_user("ana@example.org", name="Ana")
    make_org("acme", manager=manager, name="Acme Clinic")
    login(manager)
    page = client.get(u("lms.accounts.profile")).get_data(as_text=True)
    assert "(Trainee)" not in page and "Manager at Acme Clinic" in page  # a manager is not told she is a "Trainee"


def test_the_org_page_and_staff_certificates_read_as_sentences_and_plural_filters(client, u, make_user, make_org, login):
    manager = make_user("ana@example.org", name="Ana", locale="es")
    make_org("acme", manager=manager, name="Acme Clinic")
    login(manager)
    org_page = client.get(u("lms.orgs.show", org_slug="acme")).get_data(as_text=True)
    assert "Período de pago: Cada dos semanas" in org_page and ", Cada dos semanas" not in org_page
    certs = client.get(u("lms.certificates.staff", org_slug="acme")).get_data(as_text=True)
    assert ">Válidos</a>" in certs and ">Revocados</a>" in certs
