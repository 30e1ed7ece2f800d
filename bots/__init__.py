"""Bots: the hook interface and registry, built-in bots (notices, polls, ticket updates,
service directory), the bot HTTP API and outgoing webhooks."""
