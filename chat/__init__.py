"""The chat core: domain models, actions, stores, real-time fan-out and auth."""
