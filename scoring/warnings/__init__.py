"""Mid-month early warnings (月中预警): the findings, their targets, and each delivery made once."""
