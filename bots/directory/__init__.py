"""The service directory (办事指南) of each community."""
