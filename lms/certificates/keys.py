"""Credential-signing keys: RSA (RS256, as Open Badges 3.0 requires at minimum).

The private key is a PEM file in the storage directory's ``keys/`` folder (mode 0600; a shared secret volume in
production); only public JWKs are stored in the database and published at ``/.well-known/jwks.json``. Rotating makes
a new key current and keeps the old public keys published, so credentials signed earlier still verify.
"""

from __future__ import annotations

from typing import Any

from joserfc.jwk import RSAKey
from sqlalchemy import select

from lms import audit, db
from lms.certificates.models import SigningKey
from lms.db import utcnow
from lms.errors import DomainError
from lms.i18n import _
from lms.storage import storage_dir, write_private

KEY_BITS = 2048


def _key_path(kid: str):
    return storage_dir("keys") / f"{kid}.pem"


def generate_key(actor: Any = None) -> SigningKey:
    """Create a new current key (the previous current key, if any, is retired but stays published)."""
    private = RSAKey.generate_key(KEY_BITS)
    kid = private.thumbprint()
    path = _key_path(kid)
    write_private(path, private.as_pem(private=True))
    now = utcnow()
    for old in db.session.execute(select(SigningKey).where(SigningKey.retired_at.is_(None))).scalars():
        old.retired_at = now
    public = {**private.as_dict(private=False), "kid": kid, "alg": "RS256", "use": "sig"}
    key = SigningKey(kid=kid, algorithm="RS256", public_jwk=public)
    db.session.add(key)
    db.session.flush()
    audit.record("signing_key.created", key, actor, kid=kid)
    return key


def current_key() -> SigningKey | None:
    return db.session.execute(
        select(SigningKey).where(SigningKey.retired_at.is_(None)).order_by(SigningKey.created_at.desc())
    ).scalars().first()


def private_key(key: SigningKey) -> RSAKey:
    path = _key_path(key.kid)
    if not path.exists():
        raise DomainError(_("The private signing key is missing from the key directory."))
    return RSAKey.import_key(path.read_bytes())


def ensure_key() -> SigningKey:
    """The current key, generating the first one on demand."""
    return current_key() or generate_key()


def jwks() -> dict[str, Any]:
    """Every public key ever used (current first), never a private parameter."""
    keys = db.session.execute(select(SigningKey).order_by(SigningKey.created_at.desc())).scalars()
    public_fields = {"kty", "n", "e", "kid", "alg", "use"}
    return {"keys": [{k: v for k, v in key.public_jwk.items() if k in public_fields} for key in keys]}
