"""GraphQL of the community-lift report."""
