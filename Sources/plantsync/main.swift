// Placeholder CLI; the real subcommands land with the foundation issue.
print("plantsync 0.1.0")
