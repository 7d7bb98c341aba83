"""One module per generated dataset; each renders background and planted records alike."""
