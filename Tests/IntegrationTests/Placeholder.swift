// Placeholder until the first integration test lands; delete it then.
