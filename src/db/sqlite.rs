//! SQLite backend (rusqlite, bundled): connection setup, migrations, typed reads.
//!
//! SQL in this crate is written with PostgreSQL's `$n` placeholders; they are rewritten to
//! SQLite's numbered `?n` form here.

use std::path::Path;

use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params_from_iter, Connection, OptionalExtension};

use super::error::Result;
use super::schema::{self, Dialect};
use super::{insert_sql, Rows, Value};

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use rusqlite::types::Value as V;
        Ok(ToSqlOutput::Owned(match self {
            Value::Null => V::Null,
            Value::Int(i) => V::Integer(*i),
            Value::Real(f) => V::Real(*f),
            Value::Text(s) => V::Text(s.clone()),
            Value::Bool(b) => V::Integer(i64::from(*b)),
        }))
    }
}

/// `$12` → `?12`. Our SQL has no `$` followed by a digit inside string literals.
fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

pub(super) fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // Cascading deletes need foreign keys, which SQLite enforces only when asked to.
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

/// Read-only: `export` must never write to a file it was pointed at.
pub(super) fn connect_read_only(path: &Path) -> Result<Connection> {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

pub(super) fn has_table(conn: &Connection, table: &str) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    // IMMEDIATE: take the write lock first so two processes cannot both migrate.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(&schema::ddl(schema::MIGRATION_TABLE, Dialect::Sqlite))?;
    let current: Option<i64> =
        tx.query_row("SELECT MAX(version) FROM schema_migrations", [], |r| r.get(0)).optional()?.flatten();
    for (version, template) in schema::MIGRATIONS {
        if current.is_some_and(|c| c >= *version) {
            continue;
        }
        tx.execute_batch(&schema::ddl(template, Dialect::Sqlite))?;
        tx.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [version])?;
    }
    tx.commit()?;
    Ok(())
}

/// Inserts inside an open transaction.
pub(super) struct Writer<'a> {
    tx: &'a rusqlite::Transaction<'a>,
}

impl<'a> Writer<'a> {
    pub(super) fn new(tx: &'a rusqlite::Transaction<'a>) -> Self {
        Writer { tx }
    }
}

impl super::Writer for Writer<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let n = self.tx.prepare_cached(&placeholders(sql))?.execute(params_from_iter(params))?;
        Ok(n as u64)
    }

    fn insert(&mut self, table: &str, columns: &[&str], values: &[Value]) -> Result<i64> {
        let sql = placeholders(&insert_sql(table, columns));
        let mut stmt = self.tx.prepare_cached(&sql)?;
        Ok(stmt.query_row(params_from_iter(values), |r| r.get(0))?)
    }
}

fn read(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Text(String::from_utf8_lossy(b).into_owned()),
    }
}

pub(super) fn query(conn: &Connection, sql: &str, params: &[Value]) -> Result<Rows> {
    let mut stmt = conn.prepare(&placeholders(sql))?;
    let columns: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let width = columns.len();
    let mut rows = Vec::new();
    let mut cursor = stmt.query(params_from_iter(params))?;
    while let Some(row) = cursor.next()? {
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            values.push(read(row.get_ref(i)?));
        }
        rows.push(values);
    }
    Ok(Rows { columns, rows })
}

/// A whole table; columns declared `BOOLEAN` come back as [`Value::Bool`].
pub(super) fn table(conn: &Connection, table: &str, sql: &str) -> Result<Rows> {
    let mut rows = query(conn, sql, &[])?;
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) WHERE upper(type) = 'BOOLEAN'")?;
    let booleans: Vec<String> =
        stmt.query_map([table], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<_>>()?;
    let flags: Vec<bool> = rows.columns.iter().map(|c| booleans.contains(c)).collect();
    for row in &mut rows.rows {
        for (value, is_bool) in row.iter_mut().zip(&flags) {
            if let (true, Value::Int(i)) = (is_bool, &value) {
                *value = Value::Bool(*i != 0);
            }
        }
    }
    Ok(rows)
}
