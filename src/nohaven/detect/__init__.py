"""Laundering typology detection over ledgers: detectors in SQL, alerts merged per scheme."""

from nohaven.detect.alerts import Alert
from nohaven.detect.run import DETECTORS, DetectRequest, detect

__all__ = ["DETECTORS", "Alert", "DetectRequest", "detect"]
