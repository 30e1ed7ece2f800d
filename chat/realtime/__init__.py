"""Real-time plumbing behind small interfaces: fan-out, socket registry/presence, rate limits.
Each has an in-process implementation and a Redis one, chosen in the app factory."""
