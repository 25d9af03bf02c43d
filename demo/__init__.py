"""The Chinese demo data `linli seed-demo` loads into an empty database: residents, groups,
purchases, posts, points, products, sightings of posts, campaigns and events, each from one
seeded generator on top of the domain (its services where a seeded action must obey the rules,
bulk rows where volume needs it)."""
