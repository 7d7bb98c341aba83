"""Who may do what: users with roles in agencies, password and token checks."""

from nohaven.access.sharing import record_ownership, visible_datasets
from nohaven.access.users import (
    ROLES,
    User,
    add_user,
    any_users,
    check_password,
    issue_token,
    list_users,
    set_password,
    user_for_token,
)

__all__ = [
    "ROLES",
    "User",
    "add_user",
    "any_users",
    "check_password",
    "issue_token",
    "list_users",
    "record_ownership",
    "set_password",
    "user_for_token",
    "visible_datasets",
]
