"""Operator KPIs: definitions in SQL, the dashboard, who may see which scope."""
