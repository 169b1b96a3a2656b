//! The database's own errors: the backends' (SQLite, PostgreSQL), the loader's, and the
//! core [`crate::Error`] where the database side touches files (a SQLite path's missing
//! folder, `export`'s output files).
//!
//! Kept apart from the converter's error type so that the core (PDF and text in, report
//! out) does not depend on the database drivers' error types.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    /// A database that cannot be used as asked (no such file, not a shisaku database,
    /// an unknown table, a value out of a column's range, …).
    #[error("database: {0}")]
    Db(String),
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A PostgreSQL error, with its cause (the server's message) spelled out.
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    /// A list column (JSON text) that could not be written.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A file or folder error, as the converter words it.
    #[error(transparent)]
    Core(#[from] crate::Error),
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Error::Postgres(message)
    }
}

pub type Result<T> = std::result::Result<T, Error>;
