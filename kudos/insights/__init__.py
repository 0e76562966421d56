"""Insights: fatigue cycles per scope, for leads, admins and each person."""
