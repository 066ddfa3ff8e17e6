"""Input channels, named by module path in credentials.yml."""
