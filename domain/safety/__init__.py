"""Content safety before publish: the sensitive-word list, contact details, rejected images."""
