"""The aiohttp application: app factory, REST routes, static web client and the CLI."""
