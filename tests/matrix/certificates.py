"""Role matrix: certificates."""

EXPECTED: dict[str, str] = {
    "lms.certificates.verify_form": "public",
    "lms.certificates.verify_page": "public",
    "lms.certificates.verify_bulk": "public",
    "lms.certificates.jwks": "public",
    "lms.certificates.issuer": "public",
    "lms.certificates.mine": "signed_in",
    "lms.certificates.pdf": "signed_in",
    "lms.certificates.revoke": "signed_in",
    "lms.certificates.staff": "org_manager",
    "lms.certificates.issue": "trainer",
    "lms.certificates.issue_hours": "trainer",
    "lms.api.certificate": "public",
    "lms.api.verify_certificates": "public",
    "lms.api.certificate_credential": "public",
}
