"""One function per user intent (DESIGN §2): check permission, validate, persist, fan out."""
