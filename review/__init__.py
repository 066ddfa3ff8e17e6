"""`python -m review ...`: the analysts' loop and the service report from the command line."""
