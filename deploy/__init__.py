"""Deployment helpers of the scaled profile: settings from the environment, nginx config, databases."""
