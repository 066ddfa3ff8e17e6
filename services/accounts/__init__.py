"""Staff accounts of the console: users with roles, hashed passwords, sessions, login throttling, audit.

Shared by every part of the console (consultants, supervisors, back office, analysts), so it knows
nothing about any one of them and nothing about Rasa. Tables live in the application database.
"""

from services.accounts.models import ROLES, AuditEntry, LoginAttempt, StaffSession, StaffUser

__all__ = ["ROLES", "AuditEntry", "LoginAttempt", "StaffSession", "StaffUser"]
