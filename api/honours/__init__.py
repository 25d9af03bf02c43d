"""GraphQL of honours: badges, trust levels and the public member profile."""
