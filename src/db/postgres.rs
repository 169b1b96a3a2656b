//! PostgreSQL backend (the synchronous `postgres` crate, no TLS): connection, migrations,
//! typed parameters and reads.
//!
//! Parameters are bound by the types the server reports for a prepared statement, so a
//! [`Value::Null`] becomes a typed NULL and integers are widened or narrowed to the column.

use std::collections::HashMap;

use ::postgres::types::{ToSql, Type};
use ::postgres::{Client, NoTls, Row, Statement, Transaction};

use super::error::{Error, Result};
use super::schema::{self, Dialect};
use super::{insert_sql, Rows, Value};

/// Lock key held while migrating, so concurrent first uses do not race.
const MIGRATION_LOCK: i64 = 0x0053_6869_7361_6b75; // "Shisaku"

pub(super) fn connect(url: &str) -> Result<Client> {
    Ok(Client::connect(url, NoTls)?)
}

/// A session whose transactions are read-only: `export` never writes.
pub(super) fn connect_read_only(url: &str) -> Result<Client> {
    let mut client = connect(url)?;
    client.batch_execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")?;
    Ok(client)
}

pub(super) fn has_table(client: &mut Client, table: &str) -> Result<bool> {
    let row = client.query_one("SELECT to_regclass($1)::text", &[&table])?;
    Ok(row.try_get::<_, Option<String>>(0)?.is_some())
}

/// Hold a transaction-scoped advisory lock keyed by the document's SHA-256 (hashed to the
/// 64 bits a lock key has; two documents sharing a key only wait for each other).
pub(super) fn lock_document(tx: &mut Transaction<'_>, sha256: &str) -> Result<()> {
    // FNV-1a: any text (a hand-edited JSON's sha256 too) gives a key.
    let key = sha256
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
        as i64;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&key])?;
    Ok(())
}

pub(super) fn migrate(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(&schema::ddl(schema::MIGRATION_TABLE, Dialect::Postgres))?;
    let current: Option<i64> = tx.query_one("SELECT MAX(version) FROM schema_migrations", &[])?.get(0);
    for (version, template) in schema::MIGRATIONS {
        if current.is_some_and(|c| c >= *version) {
            continue;
        }
        tx.batch_execute(&schema::ddl(template, Dialect::Postgres))?;
        tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[version])?;
    }
    tx.commit()?;
    Ok(())
}

type Param = Box<dyn ToSql + Sync>;

fn param(value: &Value, ty: &Type) -> Result<Param> {
    let int = |i: i64| -> Result<Param> {
        Ok(match *ty {
            Type::INT2 => Box::new(i16::try_from(i).map_err(|e| Error::Db(e.to_string()))?),
            Type::INT4 => Box::new(i32::try_from(i).map_err(|e| Error::Db(e.to_string()))?),
            Type::FLOAT8 => Box::new(i as f64),
            Type::TEXT | Type::VARCHAR => Box::new(i.to_string()),
            _ => Box::new(i),
        })
    };
    Ok(match value {
        Value::Null => match *ty {
            Type::INT2 => Box::new(None::<i16>),
            Type::INT4 => Box::new(None::<i32>),
            Type::INT8 => Box::new(None::<i64>),
            Type::FLOAT8 => Box::new(None::<f64>),
            Type::FLOAT4 => Box::new(None::<f32>),
            Type::BOOL => Box::new(None::<bool>),
            _ => Box::new(None::<String>),
        },
        Value::Int(i) => int(*i)?,
        Value::Real(f) => match *ty {
            Type::FLOAT4 => Box::new(*f as f32),
            _ => Box::new(*f),
        },
        Value::Text(s) => Box::new(s.clone()),
        Value::Bool(b) => Box::new(*b),
    })
}

fn params(stmt: &Statement, values: &[Value]) -> Result<Vec<Param>> {
    if stmt.params().len() != values.len() {
        return Err(Error::Db(format!(
            "statement takes {} parameters, {} given",
            stmt.params().len(),
            values.len()
        )));
    }
    values.iter().zip(stmt.params()).map(|(v, ty)| param(v, ty)).collect()
}

fn refs(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p.as_ref()).collect()
}

/// Inserts inside an open transaction; prepared statements are cached per SQL text.
pub(super) struct Writer<'t, 'c> {
    tx: &'t mut Transaction<'c>,
    statements: HashMap<String, Statement>,
}

impl<'t, 'c> Writer<'t, 'c> {
    pub(super) fn new(tx: &'t mut Transaction<'c>) -> Self {
        Writer { tx, statements: HashMap::new() }
    }

    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql)?;
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

impl super::Writer for Writer<'_, '_> {
    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64> {
        let stmt = self.statement(sql)?;
        let p = params(&stmt, values)?;
        Ok(self.tx.execute(&stmt, &refs(&p))?)
    }

    fn insert(&mut self, table: &str, columns: &[&str], values: &[Value]) -> Result<i64> {
        let stmt = self.statement(&insert_sql(table, columns))?;
        let p = params(&stmt, values)?;
        let row = self.tx.query_one(&stmt, &refs(&p))?;
        Ok(row.try_get(0)?)
    }
}

fn read(row: &Row, i: usize) -> Result<Value> {
    let ty = row.columns().get(i).map(|c| c.type_().clone()).unwrap_or(Type::TEXT);
    Ok(match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map_or(Value::Null, Value::Int),
        Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map_or(Value::Null, Value::from),
        Type::INT2 => row.try_get::<_, Option<i16>>(i)?.map_or(Value::Null, |v| Value::Int(v.into())),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map_or(Value::Null, Value::Real),
        Type::FLOAT4 => row.try_get::<_, Option<f32>>(i)?.map_or(Value::Null, Value::from),
        Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map_or(Value::Null, Value::Bool),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
            row.try_get::<_, Option<String>>(i)?.map_or(Value::Null, Value::Text)
        }
        other => {
            return Err(Error::Db(format!(
                "column {i} has type {other}, which is not read; cast it in the query"
            )))
        }
    })
}

pub(super) fn query(client: &mut Client, sql: &str, values: &[Value]) -> Result<Rows> {
    let stmt = client.prepare(sql)?;
    let p = params(&stmt, values)?;
    let columns: Vec<String> = stmt.columns().iter().map(|c| c.name().to_string()).collect();
    let mut rows = Vec::new();
    for row in client.query(&stmt, &refs(&p))? {
        rows.push((0..columns.len()).map(|i| read(&row, i)).collect::<Result<Vec<_>>>()?);
    }
    Ok(Rows { columns, rows })
}
