"""The tamper-evident audit trail: append-only records of transitions, grants, decisions,
downloads and logins, each carrying the hash of the previous one."""
