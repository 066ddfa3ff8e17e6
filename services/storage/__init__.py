"""The application database: SQLAlchemy models, repositories and Alembic migrations.

`APP_DATABASE_URL` selects the database (SQLite under var/ by default, PostgreSQL when scaled);
`services.storage.migrate.upgrade_to_head(url)` brings its schema up to date.
"""
