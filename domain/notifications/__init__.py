"""Notifications: what members must hear about, in their inbox and (with consent) on WeChat."""
