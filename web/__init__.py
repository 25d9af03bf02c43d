"""What the GraphQL API and the portal share over HTTP: global ids, who is asking (client ip,
bearer token, session member), the upload and media endpoints, the middleware and the health
check. It imports ``domain`` only, never ``api`` or ``portal``; ``asgi.py`` composes the three."""
