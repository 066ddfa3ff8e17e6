"""The office's own back-end services: storage of applications and ratings, privacy helpers."""
