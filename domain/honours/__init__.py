"""Honours (荣誉体系): badges awarded once by rules over what the domain records, manual badges
staff grant, and trust levels 0–3 that drive posting limits, pre-moderation and report weight."""
