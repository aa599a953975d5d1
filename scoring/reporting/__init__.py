"""Reports built from scores: monthly report, quarterly bulletin, annual assessment, explain."""
