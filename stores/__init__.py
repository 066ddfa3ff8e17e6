"""Rasa stores named by module path in endpoints.yml (see stores/tracker.py)."""
