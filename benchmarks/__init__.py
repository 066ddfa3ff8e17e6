"""Benchmarks: scripts that measure accuracy and speed and write reports under reports/."""
