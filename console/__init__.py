"""The staff console: one web application, one login, a section per kind of staff (see console/app.py)."""
