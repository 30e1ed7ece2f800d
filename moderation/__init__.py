"""Moderation: muting and removing members (the only moderation code that does IO lives in
`moderation.actions`). Keyword detection and tickets build on this package."""
