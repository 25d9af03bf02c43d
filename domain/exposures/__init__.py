"""Who saw which post, per member and day: the basis of UGC→purchase attribution."""
