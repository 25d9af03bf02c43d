"""Linli's rules: models, services and pure rules. Imports no web framework."""
