"""nohaven: deny safe haven to corrupt officials and recover what they took."""

__version__ = "0.1.0"
