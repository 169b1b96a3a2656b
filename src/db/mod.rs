//! Databases: load reports into SQLite or PostgreSQL; export tables.
