//! The relational schema and its migrations.
//!
//! Each migration is one DDL text written once with type placeholders (`{PK}`, `{INT}`,
//! `{REAL}`, `{BOOL}`, `{TEXT}`, `{NOW}`) that [`ddl`] fills in per backend, so SQLite and
//! PostgreSQL get the same tables. A migration, once released, is never edited: a later
//! schema change is a new entry in [`MIGRATIONS`]. Applied versions are recorded in
//! `schema_migrations(version, applied_at)`.

/// Which SQL dialect to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The migration table itself; created before anything else.
pub const MIGRATION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version {INT} PRIMARY KEY,
    applied_at {TEXT} NOT NULL DEFAULT {NOW}
)";

/// One column of a table: its name and its DDL declaration (type placeholders as in the
/// migrations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub decl: &'static str,
}

/// One table of migration 1, described once: its `CREATE TABLE` in the migration is written from it,
/// and the loader inserts through it ([`Table::insert_columns`]), so the DDL and the
/// INSERTs cannot disagree on a column. Every table also has `id {PK}` first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [Column],
}

impl Table {
    /// The columns an INSERT gives, in order: all but the generated `id` and those with a
    /// `DEFAULT` (`loaded_at`).
    pub fn insert_columns(&self) -> impl Iterator<Item = &'static str> {
        self.columns.iter().filter(|c| !c.decl.contains("DEFAULT")).map(|c| c.name)
    }
}

/// Writes [`V1`] (the tables in order, each `id {PK}` then its columns then its
/// constraints, then the indexes) and one [`Table`] constant per table, from one list.
macro_rules! schema_v1 {
    (
        $($konst:ident $table:ident ( $($col:ident $decl:literal,)* ) $([$($constraint:literal),*])?;)*
        ; indexes: $($index:literal),*
    ) => {
        /// Migration 1: the initial schema. Money is thousand yen (integer), fiscal years
        /// are Gregorian start years (integer); lists of short strings are JSON arrays in
        /// TEXT. (Released: the text this writes must never change; a test pins it.)
        const V1: &str = concat!(
            "\n",
            $(
                "CREATE TABLE ", stringify!($table), " (\n    id {PK}",
                $(",\n    ", stringify!($col), " ", $decl,)*
                $($(",\n    ", $constraint,)*)?
                "\n);\n",
            )*
            $($index, ";\n",)*
        );
        $(
            #[doc = concat!("The `", stringify!($table), "` table.")]
            pub const $konst: Table = Table {
                name: stringify!($table),
                columns: &[$(Column { name: stringify!($col), decl: $decl }),*],
            };
        )*
        /// The tables of migration 1, in load (parent before child) order.
        pub const V1_TABLES: &[Table] = &[$($konst),*];
    };
}

schema_v1! {
    REPORTS reports (
        sha256 "{TEXT} NOT NULL UNIQUE",
        source_file "{TEXT} NOT NULL",
        source_format "{TEXT} NOT NULL",
        pages "{INT}",
        schema_version "{TEXT} NOT NULL",
        title "{TEXT}",
        era "{TEXT}",
        era_year "{INT}",
        fiscal_year "{INT}",
        loaded_at "{TEXT} NOT NULL DEFAULT {NOW}",
    );
    POLICIES policies (
        report_id "{INT} NOT NULL REFERENCES reports(id) ON DELETE CASCADE",
        seq "{INT} NOT NULL",
        number "{INT}",
        numbers "{TEXT} NOT NULL",
        titles "{TEXT} NOT NULL",
        overview "{TEXT}",
        summary_columns "{TEXT} NOT NULL",
        subtotal_thousand_yen "{INT}",
        pdf_page "{INT}",
    ) ["UNIQUE (report_id, seq)"];
    SUMMARY_ROWS summary_rows (
        policy_id "{INT} NOT NULL REFERENCES policies(id) ON DELETE CASCADE",
        seq "{INT} NOT NULL",
        no "{INT} NOT NULL",
        name "{TEXT} NOT NULL",
        cost_thousand_yen "{INT}",
        is_new "{BOOL} NOT NULL",
        departments "{TEXT} NOT NULL",
        page "{INT}",
        policies "{TEXT}",
    ) ["UNIQUE (policy_id, seq)"];
    PROJECTS projects (
        policy_id "{INT} NOT NULL REFERENCES policies(id) ON DELETE CASCADE",
        seq "{INT} NOT NULL",
        no "{INT} NOT NULL",
        name "{TEXT} NOT NULL",
        relisted "{BOOL} NOT NULL",
        cost_thousand_yen "{INT}",
        overview "{TEXT} NOT NULL",
        results "{TEXT} NOT NULL",
        department "{TEXT}",
        division "{TEXT}",
        department_group "{TEXT}",
        bureau "{TEXT}",
        page "{INT}",
        pdf_page "{INT}",
        bbox_x0 "{REAL}",
        bbox_y0 "{REAL}",
        bbox_x1 "{REAL}",
        bbox_y1 "{REAL}",
    ) ["UNIQUE (policy_id, seq)"];
    COST_BREAKDOWNS cost_breakdowns (
        project_id "{INT} NOT NULL REFERENCES projects(id) ON DELETE CASCADE",
        seq "{INT} NOT NULL",
        label "{TEXT} NOT NULL",
        cost_thousand_yen "{INT} NOT NULL",
    ) ["UNIQUE (project_id, seq)"];
    METRIC_COLUMNS metric_columns (
        project_id "{INT} NOT NULL REFERENCES projects(id) ON DELETE CASCADE",
        seq "{INT} NOT NULL",
        label "{TEXT} NOT NULL",
        fiscal_year "{INT}",
    ) ["UNIQUE (project_id, seq)"];
    METRIC_ROWS metric_rows (
        project_id "{INT} NOT NULL REFERENCES projects(id) ON DELETE CASCADE",
        seq "{INT} NOT NULL",
        item "{TEXT} NOT NULL",
    ) ["UNIQUE (project_id, seq)"];
    METRIC_CELLS metric_cells (
        metric_row_id "{INT} NOT NULL REFERENCES metric_rows(id) ON DELETE CASCADE",
        metric_column_id "{INT} REFERENCES metric_columns(id) ON DELETE CASCADE",
        seq "{INT} NOT NULL",
        text "{TEXT} NOT NULL",
    ) ["UNIQUE (metric_row_id, seq)"];
    METRIC_VALUES metric_values (
        metric_cell_id "{INT} NOT NULL REFERENCES metric_cells(id) ON DELETE CASCADE",
        seq "{INT} NOT NULL",
        value "{REAL} NOT NULL",
        unit "{TEXT}",
        qualifier "{TEXT}",
    ) ["UNIQUE (metric_cell_id, seq)"];
    CASE_STUDIES case_studies (
        policy_id "{INT} NOT NULL REFERENCES policies(id) ON DELETE CASCADE",
        seq "{INT} NOT NULL",
        title "{TEXT} NOT NULL",
        projects "{TEXT} NOT NULL",
        companies "{TEXT} NOT NULL",
        text "{TEXT} NOT NULL",
        page "{INT}",
        pdf_page "{INT}",
    ) ["UNIQUE (policy_id, seq)"];
    DIAGNOSTICS diagnostics (
        report_id "{INT} NOT NULL REFERENCES reports(id) ON DELETE CASCADE",
        seq "{INT} NOT NULL",
        level "{TEXT} NOT NULL",
        code "{TEXT} NOT NULL",
        message "{TEXT} NOT NULL",
        page "{INT}",
        policy "{INT}",
        card "{INT}",
    ) ["UNIQUE (report_id, seq)"];
    ;
    indexes:
        "CREATE INDEX policies_report ON policies(report_id)",
        "CREATE INDEX projects_policy ON projects(policy_id)",
        "CREATE INDEX metric_cells_column ON metric_cells(metric_column_id)"
}

/// Migration 2: `current_reports`, one row per report (title + fiscal year): the same
/// year loaded in two renditions (its PDF and a text dump) would otherwise count twice in
/// every total. The PDF is preferred (it carries geometry and the ○ marks a dump loses),
/// then the latest loaded. A report with neither title nor year cannot be matched to
/// another and is always current.
const V2: &str = "
CREATE VIEW current_reports AS
SELECT r.* FROM reports r
WHERE (r.title IS NULL AND r.fiscal_year IS NULL)
   OR r.id = (
      SELECT o.id FROM reports o
      WHERE o.title IS NOT DISTINCT FROM r.title
        AND o.fiscal_year IS NOT DISTINCT FROM r.fiscal_year
      ORDER BY CASE WHEN o.source_format = 'pdf' THEN 0 ELSE 1 END, o.loaded_at DESC, o.id DESC
      LIMIT 1
   )
";

/// The chain of linked projects: each project with the first project of its chain (a
/// project no link leads to). Shared by the series views of [`V3`].
macro_rules! chain_cte {
    () => {
        "WITH RECURSIVE chain (project_id, root_id) AS (
    SELECT p.id, p.id FROM projects p
    WHERE NOT EXISTS (SELECT 1 FROM project_links l WHERE l.new_project_id = p.id)
    UNION ALL
    SELECT l.new_project_id, chain.root_id
    FROM chain JOIN project_links l ON l.old_project_id = chain.project_id
)"
    };
}

/// Migration 3: year over year. `project_links` pairs the projects of reports of
/// consecutive fiscal years (filled by `load`, rebuilt by `shisaku link`); the views give a
/// project's history under one `project_key` (the id of the first project of its chain).
/// Relisted copies (（再掲）) are left out of the series: they repeat their original.
/// `restated` is 1 where a linked older project printed another text (white space aside;
/// an empty cell is no figure) for the same item and fiscal year.
const V3: &str = concat!(
    "
CREATE TABLE project_links (
    id {PK},
    old_report_id {INT} NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    new_report_id {INT} NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    old_project_id {INT} NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    new_project_id {INT} NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    method {TEXT} NOT NULL,
    score {REAL} NOT NULL,
    UNIQUE (old_project_id, new_project_id)
);
CREATE INDEX project_links_old ON project_links(old_project_id);
CREATE INDEX project_links_new ON project_links(new_project_id);
CREATE VIEW project_series AS
",
    chain_cte!(),
    "
SELECT chain.root_id AS project_key, r.fiscal_year, r.id AS report_id, p.id AS project_id,
       p.name, p.cost_thousand_yen, pol.number AS policy, p.department, p.division
FROM chain
JOIN projects p ON p.id = chain.project_id
JOIN policies pol ON pol.id = p.policy_id
JOIN reports r ON r.id = pol.report_id
WHERE NOT p.relisted;
CREATE VIEW metric_series AS
",
    chain_cte!(),
    "
SELECT chain.root_id AS project_key, p.id AS project_id, p.name,
       r.id AS report_id, r.fiscal_year AS report_fiscal_year,
       mr.seq AS row_seq, mr.item, cell.seq AS cell_seq, mc.label AS column_label, mc.fiscal_year,
       cell.text, v.seq AS value_seq, v.value, v.unit, v.qualifier,
       CASE WHEN EXISTS (
           SELECT 1 FROM project_links l
           JOIN metric_rows omr ON omr.project_id = l.old_project_id
           JOIN metric_cells oc ON oc.metric_row_id = omr.id
           JOIN metric_columns ocol ON ocol.id = oc.metric_column_id
           WHERE l.new_project_id = p.id AND ocol.fiscal_year = mc.fiscal_year
             AND REPLACE(REPLACE(omr.item, ' ', ''), '
', '') = REPLACE(REPLACE(mr.item, ' ', ''), '
', '')
             AND REPLACE(REPLACE(oc.text, ' ', ''), '
', '') <> REPLACE(REPLACE(cell.text, ' ', ''), '
', '')
             AND REPLACE(REPLACE(oc.text, ' ', ''), '
', '') <> ''
             AND REPLACE(REPLACE(cell.text, ' ', ''), '
', '') <> ''
       ) THEN 1 ELSE 0 END AS restated
FROM chain
JOIN projects p ON p.id = chain.project_id
JOIN policies pol ON pol.id = p.policy_id
JOIN reports r ON r.id = pol.report_id
JOIN metric_rows mr ON mr.project_id = p.id
JOIN metric_cells cell ON cell.metric_row_id = mr.id
JOIN metric_columns mc ON mc.id = cell.metric_column_id
LEFT JOIN metric_values v ON v.metric_cell_id = cell.id
WHERE NOT p.relisted
"
);

/// All migrations, in order of version: `(version, DDL template)`.
pub const MIGRATIONS: &[(i64, &str)] = &[(1, V1), (2, V2), (3, V3)];

/// Views, with the columns that order them in an export (a view has no primary key).
pub const VIEWS: &[(&str, &str)] = &[
    // NULLs sort first in SQLite and last in PostgreSQL: COALESCE makes exports agree.
    ("project_series", "project_key, COALESCE(fiscal_year, -1), report_id, project_id"),
    (
        "metric_series",
        "project_key, COALESCE(report_fiscal_year, -1), report_id, project_id, row_seq, cell_seq, COALESCE(value_seq, -1)",
    ),
];

/// The data tables with their primary key, in load (parent before child) order.
pub const TABLES: &[&str] = &[
    "reports",
    "policies",
    "summary_rows",
    "projects",
    "cost_breakdowns",
    "metric_columns",
    "metric_rows",
    "metric_cells",
    "metric_values",
    "case_studies",
    "diagnostics",
    "project_links",
];

/// Fill a DDL template's type placeholders for one backend.
pub fn ddl(template: &str, dialect: Dialect) -> String {
    let (pk, int, real, now) = match dialect {
        Dialect::Sqlite => {
            ("INTEGER PRIMARY KEY", "INTEGER", "REAL", "(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))")
        }
        Dialect::Postgres => (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "BIGINT",
            "DOUBLE PRECISION",
            "(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
        ),
    };
    template
        .replace("{PK}", pk)
        .replace("{INT}", int)
        .replace("{REAL}", real)
        .replace("{BOOL}", "BOOLEAN")
        .replace("{TEXT}", "TEXT")
        .replace("{NOW}", now)
}

/// Split a DDL text into statements (no statement here contains a `;` inside a literal).
pub fn statements(ddl: &str) -> impl Iterator<Item = &str> {
    ddl.split(';').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 1 as released, before it was written from the table list.
    const RELEASED_V1: &str = "
CREATE TABLE reports (
    id {PK},
    sha256 {TEXT} NOT NULL UNIQUE,
    source_file {TEXT} NOT NULL,
    source_format {TEXT} NOT NULL,
    pages {INT},
    schema_version {TEXT} NOT NULL,
    title {TEXT},
    era {TEXT},
    era_year {INT},
    fiscal_year {INT},
    loaded_at {TEXT} NOT NULL DEFAULT {NOW}
);
CREATE TABLE policies (
    id {PK},
    report_id {INT} NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq {INT} NOT NULL,
    number {INT},
    numbers {TEXT} NOT NULL,
    titles {TEXT} NOT NULL,
    overview {TEXT},
    summary_columns {TEXT} NOT NULL,
    subtotal_thousand_yen {INT},
    pdf_page {INT},
    UNIQUE (report_id, seq)
);
CREATE TABLE summary_rows (
    id {PK},
    policy_id {INT} NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
    seq {INT} NOT NULL,
    no {INT} NOT NULL,
    name {TEXT} NOT NULL,
    cost_thousand_yen {INT},
    is_new {BOOL} NOT NULL,
    departments {TEXT} NOT NULL,
    page {INT},
    policies {TEXT},
    UNIQUE (policy_id, seq)
);
CREATE TABLE projects (
    id {PK},
    policy_id {INT} NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
    seq {INT} NOT NULL,
    no {INT} NOT NULL,
    name {TEXT} NOT NULL,
    relisted {BOOL} NOT NULL,
    cost_thousand_yen {INT},
    overview {TEXT} NOT NULL,
    results {TEXT} NOT NULL,
    department {TEXT},
    division {TEXT},
    department_group {TEXT},
    bureau {TEXT},
    page {INT},
    pdf_page {INT},
    bbox_x0 {REAL},
    bbox_y0 {REAL},
    bbox_x1 {REAL},
    bbox_y1 {REAL},
    UNIQUE (policy_id, seq)
);
CREATE TABLE cost_breakdowns (
    id {PK},
    project_id {INT} NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    seq {INT} NOT NULL,
    label {TEXT} NOT NULL,
    cost_thousand_yen {INT} NOT NULL,
    UNIQUE (project_id, seq)
);
CREATE TABLE metric_columns (
    id {PK},
    project_id {INT} NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    seq {INT} NOT NULL,
    label {TEXT} NOT NULL,
    fiscal_year {INT},
    UNIQUE (project_id, seq)
);
CREATE TABLE metric_rows (
    id {PK},
    project_id {INT} NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    seq {INT} NOT NULL,
    item {TEXT} NOT NULL,
    UNIQUE (project_id, seq)
);
CREATE TABLE metric_cells (
    id {PK},
    metric_row_id {INT} NOT NULL REFERENCES metric_rows(id) ON DELETE CASCADE,
    metric_column_id {INT} REFERENCES metric_columns(id) ON DELETE CASCADE,
    seq {INT} NOT NULL,
    text {TEXT} NOT NULL,
    UNIQUE (metric_row_id, seq)
);
CREATE TABLE metric_values (
    id {PK},
    metric_cell_id {INT} NOT NULL REFERENCES metric_cells(id) ON DELETE CASCADE,
    seq {INT} NOT NULL,
    value {REAL} NOT NULL,
    unit {TEXT},
    qualifier {TEXT},
    UNIQUE (metric_cell_id, seq)
);
CREATE TABLE case_studies (
    id {PK},
    policy_id {INT} NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
    seq {INT} NOT NULL,
    title {TEXT} NOT NULL,
    projects {TEXT} NOT NULL,
    companies {TEXT} NOT NULL,
    text {TEXT} NOT NULL,
    page {INT},
    pdf_page {INT},
    UNIQUE (policy_id, seq)
);
CREATE TABLE diagnostics (
    id {PK},
    report_id {INT} NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq {INT} NOT NULL,
    level {TEXT} NOT NULL,
    code {TEXT} NOT NULL,
    message {TEXT} NOT NULL,
    page {INT},
    policy {INT},
    card {INT},
    UNIQUE (report_id, seq)
);
CREATE INDEX policies_report ON policies(report_id);
CREATE INDEX projects_policy ON projects(policy_id);
CREATE INDEX metric_cells_column ON metric_cells(metric_column_id);
";

    #[test]
    fn migration_1_is_the_released_text() {
        assert_eq!(V1, RELEASED_V1);
    }

    #[test]
    fn every_table_but_the_links_is_described() {
        let described: Vec<&str> = V1_TABLES.iter().map(|t| t.name).collect();
        let loaded: Vec<&str> = TABLES.iter().copied().filter(|t| *t != "project_links").collect();
        assert_eq!(described, loaded);
        assert_eq!(REPORTS.insert_columns().last(), Some("fiscal_year"));
    }
}
