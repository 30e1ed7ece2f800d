"""Outgoing webhooks per community, signed with HMAC-SHA256, retried, logged."""
