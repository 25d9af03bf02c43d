"""UGC→purchase attribution: which posts sold what."""
