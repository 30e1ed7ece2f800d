"""Moderation's persistence: its store interfaces and their SQLite and MongoDB parts."""
