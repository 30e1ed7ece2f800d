"""Work that follows chat messages (detection, bots, webhooks), resumed from durable cursors."""
