"""REST routes, one module per area; each handler parses, calls one action, replies."""
