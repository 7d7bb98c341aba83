"""Case files, the hash-chained audit log, and court-ready dossiers."""

from nohaven.cases.audit import current_actor
from nohaven.cases.audit import verify as verify_audit
from nohaven.cases.dossier import check_out_dir, verify_dossier, write_dossier
from nohaven.cases.findings import add_alert, add_declaration_finding, add_trace
from nohaven.cases.records import (
    Case,
    add_note,
    add_subject,
    get_case,
    list_cases,
    open_case,
    set_status,
)

__all__ = [
    "Case",
    "add_alert",
    "add_declaration_finding",
    "add_note",
    "add_subject",
    "add_trace",
    "check_out_dir",
    "current_actor",
    "get_case",
    "list_cases",
    "open_case",
    "set_status",
    "verify_audit",
    "verify_dossier",
    "write_dossier",
]
