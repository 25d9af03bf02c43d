"""The residents' and staff's website: server-rendered, htmx, Chinese first."""
