"""Names: the one name matcher, text search and the reconciliation service."""
