"""The newsroom's accounts: who may log in to the desk, in which role, with which password.

Every change to the `users` table goes through this module, whichever way it comes (the
`gazette users` commands, the desk), and is written to the audit log in the same transaction.
Names and passwords are checked here once; passwords are hashed here once.

Passwords are hashed with Argon2id (argon2-cffi's `PasswordHasher`, with the parameters RFC 9106
recommends where memory is limited: 64 MiB, 3 passes). A hash made with older parameters is
made again at the next successful login. Checking a name that has no account costs the same as
checking one that has, so that the time of an answer does not tell which names exist.

The password rules are a floor, not a strength meter: at least `MIN_PASSWORD_LENGTH`
characters, not mostly one character, not the user's name, not one of the passwords every
guesser tries first.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gazette import audit
from gazette.db.models import StaffSession, User, UserRole, utcnow
from gazette.errors import InputError, NotFound

ROLES = (UserRole.EDITOR, UserRole.ADMIN)
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1000  # hashing costs the same whatever the length; this bounds the input
MIN_DIFFERENT_CHARACTERS = 4
# Words and runs that guessers try first, with digits or symbols around them or not.
COMMON_PASSWORDS = frozenset(
    {
        "password", "passwort", "motdepasse", "qwerty", "qwertyuiop", "azerty", "asdfghjkl",
        "letmein", "welcome", "admin", "administrator", "changeme", "iloveyou", "trustno",
        "secret", "monkey", "dragon", "football", "baseball", "sunshine", "princess",
        "abcdefghij", "abcdefghijk", "gazette", "newsroom", "editor", "desk",
    }
)  # fmt: skip
SEQUENCES = ("01234567890123456789", "98765432109876543210")

_hasher = PasswordHasher()


def normalise_name(name: str) -> str:
    """Names are compared in lower case: `Ann` and `ann` are one account."""
    return name.strip().lower()


def check_name(name: str) -> str:
    """The name as stored, or InputError saying what is wrong with it."""
    name = normalise_name(name)
    if not NAME_PATTERN.fullmatch(name):
        raise InputError(
            f"the user name {name[:80]!r} is not allowed: use 1 to 64 letters a-z, digits, "
            "'.', '_', '@' or '-', starting with a letter or digit"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"the role {role!r} does not exist: use {' or '.join(ROLES)}")
    return role


def password_problem(password: str, name: str) -> str | None:
    """What makes `password` too weak for the user `name`, or None when it will do."""
    if not password:
        return "the password is empty"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"the password is too long: use at most {MAX_PASSWORD_LENGTH} characters"
    if len(set(password)) < MIN_DIFFERENT_CHARACTERS:
        return "the password repeats too few characters: use a phrase or a generated password"
    lowered = password.lower()
    if name and name in lowered:
        return "the password contains the user name"
    core = lowered.strip("0123456789!?.,;:-_@#$%&*+=~ ")
    if core in COMMON_PASSWORDS or any(lowered in run for run in SEQUENCES):
        return "the password is one of the first that guessers try: choose another"
    return None


def check_password(password: str, name: str) -> str:
    if (problem := password_problem(password, name)) is not None:
        raise InputError(problem)
    return password


def hash_password(password: str) -> str:
    """The one place a password is hashed."""
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """The one place a password is checked against its hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _stand_in_hash() -> str:
    """A hash to check passwords against when the name has no account, so that the answer
    takes as long as for a name that has one."""
    return hash_password("no account has this password")


def find_user(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == normalise_name(name)))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def password_is_right(user: User | None, password: str) -> bool:
    """Whether `password` is the user's. For no user (a name with no account) the answer is
    no, after as long a check as for a user."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    if user is None:
        password_matches(_stand_in_hash(), password)
        return False
    return password_matches(user.password_hash, password)


def logged_in(user: User, password: str, now: datetime) -> None:
    """Note a successful login, and renew a hash made with outdated parameters."""
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now


def add_user(session: Session, name: str, role: str, password: str, actor: str) -> User:
    """A new account. Raises InputError for a bad name, role or password, or a name taken."""
    name, role = check_name(name), check_role(role)
    check_password(password, name)
    if find_user(session, name) is not None:
        raise InputError(f"there is already a user {name}")
    user = User(name=name, role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.record(session, actor, audit.Action.USER_ADDED, f"user {name}", f"role {role}")
    return user


def _user(session: Session, name: str) -> User:
    user = find_user(session, name)
    if user is None:
        raise NotFound(f"there is no user {normalise_name(name)[:80]!r}")
    return user


def end_sessions(session: Session, user: User) -> int:
    """Log the user out everywhere; returns how many logins ended."""
    result = session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    return result.rowcount or 0


def set_password(session: Session, name: str, password: str, actor: str) -> User:
    """Change a password. Every login of the user ends: whoever knew the old one is out."""
    user = _user(session, name)
    check_password(password, user.name)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    ended = end_sessions(session, user)
    detail = f"{ended} login{'' if ended == 1 else 's'} ended"
    audit.record(session, actor, audit.Action.PASSWORD_CHANGED, f"user {user.name}", detail)
    return user


def remove_user(session: Session, name: str, actor: str) -> None:
    """Remove an account and end its logins. What the user did stays in the audit log, under
    their name."""
    user = _user(session, name)
    end_sessions(session, user)
    session.delete(user)
    audit.record(session, actor, audit.Action.USER_REMOVED, f"user {user.name}", user.role)
