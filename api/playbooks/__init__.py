"""Tier playbooks over GraphQL: admins list them with their reports, make and switch them."""
