"""Community lift: whether taking part (groups, posts, events) goes with buying more."""
