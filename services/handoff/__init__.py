"""Handing conversations to human consultants: tickets, queues, office hours. No Rasa imports."""
