//! Databases: load reports into SQLite or PostgreSQL; export tables.
//!
//! [`open`] connects (SQLite by default, PostgreSQL for a `postgres://` URL) and applies
//! pending migrations ([`schema`]). [`Db::load`] writes one [`Report`] as rows of the
//! normalized schema in ONE transaction; loading the same source document again (same
//! `source.sha256`) first deletes its report row, whose children go with it
//! (`ON DELETE CASCADE`), so a document is never present twice. [`export`] writes every
//! table and view to CSV or NDJSON. After each load, `project_links` between the fiscal
//! years present is rebuilt (`links`), in a transaction of its own.

mod error;
pub mod export;
mod links;
mod load;
mod postgres;
pub mod schema;
mod sqlite;

use std::path::PathBuf;

use crate::model::Report;
pub use error::{Error, Result};

/// Default database when no URL is given.
pub const DEFAULT_PATH: &str = "shisaku.db";

/// One value read from or written to a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bool(bool),
}

impl Value {
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::Text(s.clone())
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<u32> for Value {
    fn from(i: u32) -> Self {
        Value::Int(i64::from(i))
    }
}
impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Int(i64::from(i))
    }
}
impl From<u8> for Value {
    fn from(i: u8) -> Self {
        Value::Int(i64::from(i))
    }
}
impl From<usize> for Value {
    fn from(i: usize) -> Self {
        i64::try_from(i).map(Value::Int).unwrap_or(Value::Null)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Real(f)
    }
}
impl From<f32> for Value {
    fn from(f: f32) -> Self {
        Value::Real(f64::from(f))
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

/// The result of a query: column names and rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// Where a database URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Target {
    /// `None` → `./shisaku.db`; `postgres://…`/`postgresql://…` → PostgreSQL;
    /// `sqlite:PATH` (or `sqlite://PATH`) or a plain path → SQLite.
    pub fn parse(url: Option<&str>) -> Target {
        match url {
            None => Target::Sqlite(PathBuf::from(DEFAULT_PATH)),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Target::Postgres(u.to_string())
            }
            Some(u) => {
                let path = u.strip_prefix("sqlite://").or_else(|| u.strip_prefix("sqlite:")).unwrap_or(u);
                Target::Sqlite(PathBuf::from(path))
            }
        }
    }
}

/// An open database with the schema migrated to the latest version.
pub enum Db {
    Sqlite(rusqlite::Connection),
    Postgres(Box<::postgres::Client>),
}

/// What one load did.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSummary {
    pub report_id: i64,
    /// An earlier load of the same document (same sha256) was replaced.
    pub replaced: bool,
    /// Rows inserted per table, in load order.
    pub rows: Vec<(&'static str, usize)>,
}

/// URL schemes [`open`] understands, for the message refusing another one.
const SUPPORTED: &str = "sqlite:PATH, a plain file path, postgres:// or postgresql://";

/// [`Target::parse`], refusing what would be misread: another scheme (`mysql://…` would
/// otherwise become a SQLite file of that name) and a SQLite path whose folder is missing.
pub fn check_url(url: Option<&str>) -> Result<Target> {
    if let Some(u) = url {
        let scheme = u.split_once("://").map(|(s, _)| s).filter(|s| {
            !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
        if let Some(s) = scheme.filter(|s| !matches!(*s, "sqlite" | "postgres" | "postgresql")) {
            return Err(Error::Db(format!("unsupported database URL scheme `{s}://`; use {SUPPORTED}")));
        }
    }
    let target = Target::parse(url);
    if let Target::Sqlite(path) = &target {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(crate::Error::File(format!(
                    "{}: the folder {} does not exist",
                    path.display(),
                    dir.display()
                ))
                .into());
            }
        }
    }
    Ok(target)
}

/// Open (creating if needed) the database at `url` (see [`check_url`]) and apply
/// pending migrations.
pub fn open(url: Option<&str>) -> Result<Db> {
    let mut db = match check_url(url)? {
        Target::Sqlite(path) => Db::Sqlite(sqlite::connect(&path)?),
        Target::Postgres(url) => Db::Postgres(Box::new(postgres::connect(&url)?)),
    };
    db.migrate()?;
    Ok(db)
}

/// [`open`], but a SQLite file must already exist (for reading: `export` should not create
/// an empty database from a mistyped path).
pub fn open_existing(url: Option<&str>) -> Result<Db> {
    if let Target::Sqlite(path) = check_url(url)? {
        if !path.is_file() {
            return Err(Error::Db(format!("{}: no such database", path.display())));
        }
    }
    open(url)
}

/// Open an existing shisaku database for reading only: nothing is created or migrated,
/// and a database without shisaku's tables is refused ("not a shisaku database").
pub fn open_read_only(url: Option<&str>) -> Result<Db> {
    let target = check_url(url)?;
    let (mut db, name) = match target {
        Target::Sqlite(path) => {
            if !path.is_file() {
                return Err(Error::Db(format!("{}: no such database", path.display())));
            }
            (Db::Sqlite(sqlite::connect_read_only(&path)?), path.display().to_string())
        }
        Target::Postgres(url) => (Db::Postgres(Box::new(postgres::connect_read_only(&url)?)), url),
    };
    let has = match &mut db {
        Db::Sqlite(c) => sqlite::has_table(c, "schema_migrations"),
        Db::Postgres(c) => postgres::has_table(c, "schema_migrations"),
    };
    match has {
        Ok(true) => Ok(db),
        Ok(false) => Err(Error::Db(format!("{name}: not a shisaku database (no schema_migrations table)"))),
        Err(e) => Err(Error::Db(format!("{name}: not a shisaku database ({e})"))),
    }
}

impl Db {
    fn migrate(&mut self) -> Result<()> {
        match self {
            Db::Sqlite(c) => sqlite::migrate(c),
            Db::Postgres(c) => postgres::migrate(c),
        }
    }

    /// Load one report in one transaction, then rebuild `project_links` (a failure there is
    /// returned, the report staying loaded); see the module documentation.
    pub fn load(&mut self, report: &Report) -> Result<LoadSummary> {
        self.load_with_hook(report, &mut |_| Ok(()))
    }

    /// [`Db::load`], calling `hook(table)` after each table's rows are inserted. An error
    /// from the hook aborts the load and rolls the transaction back (used by tests to prove
    /// that a failed load leaves the previous data intact).
    pub fn load_with_hook(
        &mut self,
        report: &Report,
        hook: &mut dyn FnMut(&str) -> Result<()>,
    ) -> Result<LoadSummary> {
        let summary = match self {
            Db::Sqlite(c) => {
                // IMMEDIATE: the write lock first, so concurrent loads queue (busy timeout)
                // instead of failing on a lock upgrade.
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let summary = load::write(&mut sqlite::Writer::new(&tx), report, hook)?;
                tx.commit()?;
                summary
            }
            Db::Postgres(c) => {
                let mut tx = c.transaction()?;
                // Two loads of the same document at once would both find no earlier copy
                // and then collide on `sha256`; a lock per document makes the second wait
                // and then replace the first.
                postgres::lock_document(&mut tx, &report.source.sha256)?;
                let summary = load::write(&mut postgres::Writer::new(&mut tx), report, hook)?;
                tx.commit()?;
                summary
            }
        };
        // Other fiscal years present: pair this report's projects with theirs.
        self.rebuild_links()?;
        Ok(summary)
    }

    /// All rows of a view of [`schema::VIEWS`], in its export order.
    pub fn view(&mut self, view: &str) -> Result<Rows> {
        let (_, order) = schema::VIEWS
            .iter()
            .find(|(name, _)| *name == view)
            .ok_or_else(|| Error::Db(format!("unknown view {view}")))?;
        self.query(&format!("SELECT * FROM {view} ORDER BY {order}"), &[])
    }

    /// Run a query written with `$1`, `$2`, … placeholders (rewritten for SQLite).
    pub fn query(&mut self, sql: &str, params: &[Value]) -> Result<Rows> {
        match self {
            Db::Sqlite(c) => sqlite::query(c, sql, params),
            Db::Postgres(c) => postgres::query(c, sql, params),
        }
    }

    /// Number of rows of a table of [`schema::TABLES`] (or `schema_migrations`).
    pub fn count(&mut self, table: &str) -> Result<i64> {
        check_table(table)?;
        let rows = self.query(&format!("SELECT COUNT(*) FROM {table}"), &[])?;
        rows.rows
            .first()
            .and_then(|r| r.first())
            .and_then(Value::as_i64)
            .ok_or_else(|| Error::Db(format!("no count for {table}")))
    }

    /// All rows of a table ordered by primary key; booleans read as [`Value::Bool`] on both
    /// backends.
    pub fn table(&mut self, table: &str) -> Result<Rows> {
        check_table(table)?;
        let key = if table == "schema_migrations" { "version" } else { "id" };
        let sql = format!("SELECT * FROM {table} ORDER BY {key}");
        match self {
            Db::Sqlite(c) => sqlite::table(c, table, &sql),
            Db::Postgres(c) => postgres::query(c, &sql, &[]),
        }
    }

    /// Latest applied migration.
    pub fn schema_version(&mut self) -> Result<i64> {
        let rows = self.query("SELECT MAX(version) FROM schema_migrations", &[])?;
        Ok(rows.rows.first().and_then(|r| r.first()).and_then(Value::as_i64).unwrap_or(0))
    }
}

fn check_table(table: &str) -> Result<()> {
    if table == "schema_migrations" || schema::TABLES.contains(&table) {
        Ok(())
    } else {
        Err(Error::Db(format!("unknown table {table}")))
    }
}

/// Insert-side interface the loader writes through (one per backend, inside a transaction).
pub(crate) trait Writer {
    /// Execute a statement with `$n` placeholders; returns the number of rows affected.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64>;
    /// Insert one row and return its generated `id`.
    fn insert(&mut self, table: &str, columns: &[&str], values: &[Value]) -> Result<i64>;
}

/// `INSERT INTO table (a, b) VALUES ($1, $2) RETURNING id`.
fn insert_sql(table: &str, columns: &[&str]) -> String {
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    format!("INSERT INTO {table} ({}) VALUES ({}) RETURNING id", columns.join(", "), marks.join(", "))
}
