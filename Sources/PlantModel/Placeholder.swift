// Placeholder until this room's first real file lands; delete it then.
