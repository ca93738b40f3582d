"""Limits on failed logins, per account and per client address, kept in the database so that
they hold across every web process and machine.

Each try is recorded as failed before its password is checked, and marked as a success after:
tries sent in parallel count at once, and none goes unrecorded however it ends. Past
`desk.login_failures_per_account` failures at one account within `desk.login_window_minutes`,
further tries at it are refused without a check until the oldest failure leaves the window; a
success starts the account's count again (only someone who knows the password can do that).
`desk.login_failures_per_address` does the same for one address, over every account it tries,
and no success starts its count again: one's own account must not reset a count kept against
guessing at others'. The limits count names as typed, accounts or not, so that they tell
nothing about which names exist. Refused tries are not recorded: they check nothing, and the
lock ends on time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from gazette.config import DeskSettings
from gazette.db.models import LoginAttempt

NAME_LENGTH = 64
KEPT_FOR = timedelta(days=1)  # attempts older than this (and than the window) are deleted


@dataclass(frozen=True)
class Refusal:
    """Why a try at logging in is refused without a check, and for how long."""

    message: str
    retry_after_seconds: int


def _failures_since(
    session: Session, which: ColumnElement[bool], since: datetime
) -> list[datetime]:
    return list(
        session.scalars(
            select(LoginAttempt.at)
            .where(which, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))
            .order_by(LoginAttempt.at)
        )
    )


def _wait(failures: list[datetime], limit: int, window: timedelta, now: datetime) -> int | None:
    """Seconds until fewer than `limit` of `failures` are left in the window; None when that is
    already so."""
    if len(failures) < limit:
        return None
    freed_at = failures[len(failures) - limit] + window
    return max(1, math.ceil((freed_at - now).total_seconds()))


def _in_minutes(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def refusal(
    session: Session, name: str, address: str, now: datetime, settings: DeskSettings
) -> Refusal | None:
    """Why a try at `name` from `address` must be refused now, or None."""
    window = timedelta(minutes=settings.login_window_minutes)
    since = now - window
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.name == name[:NAME_LENGTH], LoginAttempt.succeeded.is_(True)
        )
    )
    account_failures = _failures_since(
        session, LoginAttempt.name == name[:NAME_LENGTH], max(since, last_success or since)
    )
    wait = _wait(account_failures, settings.login_failures_per_account, window, now)
    if wait is not None:
        return Refusal(
            f"Too many failed logins to this account: try again in {_in_minutes(wait)}.", wait
        )
    address_failures = _failures_since(session, LoginAttempt.address == address, since)
    wait = _wait(address_failures, settings.login_failures_per_address, window, now)
    if wait is not None:
        return Refusal(
            f"Too many failed logins from your address: try again in {_in_minutes(wait)}.", wait
        )
    return None


def record_try(session: Session, name: str, address: str, now: datetime) -> int:
    """Record a try as failed, until `record_success` says otherwise; returns its id. Tries too
    old to count for anything are deleted on the way."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEPT_FOR))
    attempt = LoginAttempt(at=now, name=name[:NAME_LENGTH], address=address, succeeded=False)
    session.add(attempt)
    session.flush()
    return attempt.id


def record_success(session: Session, attempt_id: int) -> None:
    session.execute(
        update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(succeeded=True)
    )
