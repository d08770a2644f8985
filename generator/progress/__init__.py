"""Progress across sessions: returned homework scored and kept in an encrypted record, and the
report, exports and summaries made from it."""
