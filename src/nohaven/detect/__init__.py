"""Laundering typology detection over ledgers: detectors in SQL, alerts merged per
scheme, linked to resolved people and kept in the store."""

from nohaven.detect.alerts import Alert
from nohaven.detect.run import DETECTORS, DetectRequest, detect
from nohaven.detect.storage import latest_run, save_alerts, stored_alerts

__all__ = [
    "DETECTORS",
    "Alert",
    "DetectRequest",
    "detect",
    "latest_run",
    "save_alerts",
    "stored_alerts",
]
