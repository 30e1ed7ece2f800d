"""Bot accounts for external bots: tokens, room scopes, the bot HTTP API's rate limits."""
