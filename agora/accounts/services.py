"""Account services: creating people, passwords, server-side sessions and API tokens."""
from __future__ import annotations

import hashlib
import re
import secrets

from flask import Flask, current_app, request, session
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from agora.accounts.models import ApiToken, User, UserSession
from agora.core.errors import Conflict, NotFound, ValidationError
from agora.core.folding import fold
from agora.core.policy import can
from agora.core.time import utcnow
from agora.core.transactions import transaction, transactional
from agora.extensions import db, login_manager

SESSION_KEY = "sid"
TOKEN_PREFIX = "agora_"
# A session's last_seen_at is refreshed at most this often, so browsing does not write on every request.
SEEN_INTERVAL_SECONDS = 60
# A real hash to compare against when the email is unknown, so timing does not reveal accounts.
_DUMMY_HASH = generate_password_hash("agora-timing-equaliser")


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """Emails are matched case-insensitively and stored lowercased."""
    return (email or "").strip().lower()


def check_password_rules(password: str) -> None:
    """Raise ValidationError unless `password` meets the config's minimum length."""
    minimum = current_app.config["AGORA"]["auth"]["min_password_length"]
    if len(password or "") < minimum:
        raise ValidationError(_("The password is too short."),
                              {"password": [_("At least %(count)s characters.", count=minimum)]})


# Words that name pages under /people/ rather than a person: a handle among them would be unreachable.
RESERVED_HANDLES = frozenset({"suggest"})


def _unique_handle(name: str, email: str) -> str:
    base = re.sub(r"[^a-z0-9]+", ".", fold(email.split("@")[0]) or fold(name)).strip(".")[:30] or "user"
    handle, n = base, 1
    while handle in RESERVED_HANDLES or db.session.scalar(select(User.id).where(User.handle == handle)) is not None:
        n += 1
        handle = f"{base}{n}"
    return handle


@transactional
def create_user(email: str, name: str, password: str | None = None, *, is_admin: bool = False,
                handle: str | None = None, language: str | None = None) -> User:
    """Create an account (and its empty profile); raise Conflict on a taken email."""
    from agora.profiles.models import Profile

    email = normalise_email(email)
    name = (name or "").strip()
    errors = {}
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        errors["email"] = [_("Not a valid email address.")]
    if not name:
        errors["name"] = [_("A name is required.")]
    if handle in RESERVED_HANDLES:
        errors["handle"] = [_("This handle names a page of Agora; choose another.")]
    if errors:
        raise ValidationError(_("The account details are not valid."), errors)
    if password is not None:
        check_password_rules(password)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(_("An account already exists for %(email)s.", email=email),
                       {"email": [_("This email is already used.")]})
    user = User(email=email, name=name, sort_name=fold(name), handle=handle or _unique_handle(name, email),
                password_hash=generate_password_hash(password) if password else None,
                is_admin=is_admin, language=language)
    user.profile = Profile()
    db.session.add(user)
    db.session.flush()
    return user


def generate_password() -> str:
    """A strong random password for accounts created from the CLI."""
    return secrets.token_urlsafe(18)


def registration_open() -> bool:
    """Whether people may create their own account (config auth.self_registration)."""
    return bool(current_app.config["AGORA"]["auth"]["self_registration"])


def allowed_domains() -> list[str]:
    """Email domains allowed to self-register (empty: any)."""
    return [d.strip().lower().lstrip("@") for d in current_app.config["AGORA"]["auth"]["allowed_email_domains"]]


def register(email: str, name: str, password: str) -> User:
    """Self-registration: only when enabled, and only for the allowed email domains."""
    if not registration_open():
        raise NotFound()
    domains = allowed_domains()
    if domains and normalise_email(email).rpartition("@")[2] not in domains:
        raise ValidationError(_("This email domain may not register."), {"email": [
            _("Use your work address (%(domains)s).", domains=", ".join("@" + d for d in domains))]})
    return create_user(email, name, password)


def authenticate(email: str, password: str) -> User | None:
    """The active account matching these credentials, or None."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user if user.active else None


@transactional
def start_session(user: User) -> None:
    """Open a server-side session for `user` in this browser."""
    key = secrets.token_urlsafe(32)
    agent = (request.headers.get("User-Agent") or "")[:200] if request else ""
    db.session.add(UserSession(user_id=user.id, key_hash=_sha256(key), user_agent=agent))
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = key


@transactional
def log_in(user: User) -> None:
    """Open `user`'s session in this browser and record the login in the audit log, in one commit."""
    from agora.audit.services import record_audit

    start_session(user)
    record_audit("login", actor=user, subject=user.email)


@transactional
def end_session() -> None:
    """Forget this browser's session on the server too, so a copied cookie stops working."""
    key = session.pop(SESSION_KEY, None)
    if key:
        db.session.execute(db.delete(UserSession).where(UserSession.key_hash == _sha256(key)))
    session.clear()


@transactional
def end_other_sessions(user: User, keep_current: bool = True) -> int:
    """End every session of `user` except (optionally) this browser's; returns how many ended."""
    stmt = db.delete(UserSession).where(UserSession.user_id == user.id)
    key = session.get(SESSION_KEY) if keep_current else None
    if key:
        stmt = stmt.where(UserSession.key_hash != _sha256(key))
    return db.session.execute(stmt).rowcount


def current_session_id() -> int | None:
    """The id of this browser's UserSession row, if it has one."""
    key = session.get(SESSION_KEY)
    if not key:
        return None
    return db.session.scalar(select(UserSession.id).where(UserSession.key_hash == _sha256(key)))


def list_sessions(user: User) -> list[UserSession]:
    """The user's open sessions, most recently seen first."""
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                   .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def change_password(user: User, current: str, new: str) -> None:
    """Change the password after checking the current one; other sessions end."""
    if not user.password_hash or not check_password_hash(user.password_hash, current or ""):
        raise ValidationError(_("The current password is wrong."),
                              {"current_password": [_("This is not your current password.")]})
    check_password_rules(new)
    set_password(user, new, keep_current_session=True)


@transactional
def set_password(user: User, password: str, keep_current_session: bool = False) -> None:
    """Set a new password (admin reset or change); every other session ends."""
    check_password_rules(password)
    user.password_hash = generate_password_hash(password)
    user.password_changed_at = utcnow()
    end_other_sessions(user, keep_current=keep_current_session)


@transactional
def deactivate(user: User) -> None:
    """Refuse future logins and end every session and token; the person's content stays."""
    user.active = False
    user.deactivated_at = utcnow()
    db.session.execute(db.delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(db.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


@transactional
def reactivate(user: User) -> None:
    """Allow logins again (tokens stay revoked)."""
    user.active = True
    user.deactivated_at = None


@transactional
def set_language(user: User, code: str) -> None:
    """Remember the user's language."""
    if code not in current_app.config["AGORA"]["site"]["languages"]:
        raise ValidationError(_("This language is not offered."), {"language": [_("This language is not offered.")]})
    user.language = code


@transactional
def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the clear value is returned once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError(_("The token needs a name."),
                              {"name": [_("Give the token a name of 1 to 80 characters.")]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_sha256(secret), prefix=secret[:12])
    db.session.add(token)
    db.session.flush()
    return token, secret


def list_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones included, marked)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


@transactional
def revoke_token(user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens; someone else's is NotFound."""
    token = db.session.get(ApiToken, token_id)
    if token is None or not can(user, "tokens.manage", token.user):
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def user_for_token(secret: str) -> User | None:
    """The active user owning this unrevoked token, or None."""
    row = db.session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _sha256(secret), ApiToken.revoked_at.is_(None), User.active.is_(True))
    ).first()
    if row is None:
        return None
    token, user = row
    now = utcnow()
    # Writing on every call would serialise API traffic; minute precision is enough.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        with transaction():
            token.last_used_at = now
    return user


def get_user_by_email(email: str) -> User:
    """The account with this email, or NotFound."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(_("No account for %(email)s.", email=email))
    return user


def _touch_session(session_id: int, last_seen) -> None:
    now = utcnow()
    if last_seen is None or (now - last_seen).total_seconds() >= SEEN_INTERVAL_SECONDS:
        with transaction():
            db.session.execute(db.update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))


def install_login_loaders(app: Flask) -> None:
    """Session cookies load users through `user_sessions`; the API through Bearer tokens."""
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # the server-side session row is the protection

    @login_manager.user_loader
    def load_user(user_id: str):
        if request and request.path.startswith("/api/"):
            return None  # the API accepts Bearer tokens only, so cookies cannot ride along
        key = session.get(SESSION_KEY)
        if not key:
            return None
        row = db.session.execute(
            select(User, UserSession.id, UserSession.last_seen_at).join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.key_hash == _sha256(key), User.active.is_(True))
        ).first()
        if row is None or str(row[0].id) != str(user_id):
            session.clear()
            return None
        user, session_id, last_seen = row
        _touch_session(session_id, last_seen)
        return user

    @login_manager.request_loader
    def load_from_token(req):
        if not req.path.startswith("/api/"):
            return None
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        return user_for_token(header[7:].strip())
