"""One function per user intent (docs/architecture.md#conventions): check permission,
validate, persist, fan out."""
