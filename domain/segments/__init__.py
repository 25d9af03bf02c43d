"""Member segments: RFM scores and tiers (KOC, high-value, potential, dormant, newcomer)."""
