"""Tier playbooks: what happens to a member when their tier changes, with a holdout arm."""
