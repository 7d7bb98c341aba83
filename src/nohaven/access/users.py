"""Users, their roles and agencies, passwords (scrypt) and API tokens.

Passwords are hashed with scrypt (memory-hard; in the standard library, so no native
build), tokens are 256 random bits shown once and kept only as their SHA-256, and
every comparison is constant-time.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from nohaven.errors import NohavenError
from nohaven.store import Store

ROLES = ("viewer", "investigator", "reviewer", "admin")
# What each role may do beyond reading: reviewers judge pairs, investigators also build
# cases and run analyses, admins everything.
CAN = {
    "viewer": frozenset(),
    "reviewer": frozenset({"judge"}),
    "investigator": frozenset({"judge", "analyse", "case"}),
    "admin": frozenset({"judge", "analyse", "case", "admin"}),
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class User:
    user_id: str
    name: str
    agency: str
    role: str

    def may(self, action: str) -> bool:
        return action in CAN.get(self.role, frozenset())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def hash_password(password: str) -> str:
    """scrypt with a random salt, as ``scrypt$n$r$p$salt$hash``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return "scrypt${n}${r}${p}$".format(**_SCRYPT) + f"{b64(salt).decode()}${b64(digest).decode()}"


def _password_matches(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        computed = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    store: Store, name: str, agency: str, role: str, password: str | None = None
) -> tuple[User, str]:
    """Create a user; returns it and an API token (shown once, kept only hashed)."""
    if not _NAME.match(name):
        raise NohavenError(f"user name {name!r}: letters, digits and . _ @ - only")
    if not _NAME.match(agency):
        raise NohavenError(f"agency {agency!r}: letters, digits and . _ @ - only")
    if role not in ROLES:
        raise NohavenError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if password is not None and len(password) < 12:
        raise NohavenError("a password needs at least 12 characters")
    if store.fetchone("SELECT 1 FROM users WHERE name = ?", [name]):
        raise NohavenError(f"there is already a user named {name!r}")
    user = User("u-" + secrets.token_hex(8), name, agency, role)
    token = "nh_" + secrets.token_urlsafe(32)
    with store.transaction():
        store.execute(
            "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)",
            [
                user.user_id,
                name,
                agency,
                role,
                hash_password(password) if password else None,
                _now(),
            ],
        )
        store.execute(
            "INSERT INTO api_tokens VALUES (?, ?, ?)", [_token_hash(token), user.user_id, _now()]
        )
    return user, token


def issue_token(store: Store, name: str) -> str:
    """Another API token for a user (shown once)."""
    row = store.fetchone("SELECT user_id FROM users WHERE name = ?", [name])
    if row is None:
        raise NohavenError(f"no user named {name!r}")
    token = "nh_" + secrets.token_urlsafe(32)
    with store.transaction():
        store.execute(
            "INSERT INTO api_tokens VALUES (?, ?, ?)", [_token_hash(token), row[0], _now()]
        )
    return token


def set_password(store: Store, name: str, password: str) -> None:
    """Set a user's password for the UI."""
    if len(password) < 12:
        raise NohavenError("a password needs at least 12 characters")
    if not store.fetchone("SELECT 1 FROM users WHERE name = ?", [name]):
        raise NohavenError(f"no user named {name!r}")
    with store.transaction():
        store.execute(
            "UPDATE users SET password_hash = ? WHERE name = ?", [hash_password(password), name]
        )


def _user(row: tuple | None) -> User | None:
    return User(*row) if row else None


def user_for_token(store: Store, token: str) -> User | None:
    """The user an API token belongs to, or None."""
    if not token.startswith("nh_") or len(token) > 200:
        return None
    return _user(
        store.fetchone(
            "SELECT u.user_id, u.name, u.agency, u.role FROM api_tokens t "
            "JOIN users u USING (user_id) WHERE t.token_hash = ?",
            [_token_hash(token)],
        )
    )


def check_password(store: Store, name: str, password: str) -> User | None:
    """The user, when the password is theirs (time spent alike either way)."""
    row = store.fetchone(
        "SELECT user_id, name, agency, role, password_hash FROM users WHERE name = ?", [name]
    )
    stored = row[4] if row and row[4] else hash_password("not a real password")
    ok = _password_matches(password, stored)
    return User(*row[:4]) if row and row[4] and ok else None


def user_by_id(store: Store, user_id: str) -> User | None:
    return _user(
        store.fetchone("SELECT user_id, name, agency, role FROM users WHERE user_id = ?", [user_id])
    )


def any_users(store: Store) -> bool:
    """Whether any user exists (then every request needs a token or a login)."""
    return store.fetchone("SELECT 1 FROM users LIMIT 1") is not None


def list_users(store: Store) -> list[User]:
    return [
        User(*row)
        for row in store.fetchall("SELECT user_id, name, agency, role FROM users ORDER BY name")
    ]
