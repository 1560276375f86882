//! Statement helpers the repositories share: dynamic filters, pagination, child rows,
//! insert-if-absent, tenant-scoped existence checks and deletes, and write transactions.

use std::borrow::Cow;
use std::collections::HashMap;

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyConnection, AssertSqlSafe, Transaction};

use super::audit_log::insert_audit;
use super::references::referrers;
use super::{Dialect, SqlStore, big, text, unavailable};
use crate::domain::destination::DestinationKind;
use crate::domain::ids::OrgId;
use crate::domain::model::AuditEntry;
use crate::ports::store::{ListFilter, Page, PageRequest, StoreError, StoreResult};

/// A value for one `?` of a statement whose text is built at run time.
#[derive(Clone)]
pub(super) enum Arg {
    Text(String),
    Big(i64),
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Self::Big(n)
    }
}

type AnyQuery<'q> = sqlx::query::Query<'q, Any, AnyArguments>;

fn bind_args<'q>(mut query: AnyQuery<'q>, args: &[Arg]) -> AnyQuery<'q> {
    for arg in args {
        query = match arg {
            Arg::Text(s) => query.bind(s.clone()),
            Arg::Big(n) => query.bind(*n),
        };
    }
    query
}

/// `?, ?, …` for `n` values.
pub(super) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The WHERE clause of a list query. It starts with the organization so that no list can ever
/// reach another tenant's rows; filters are added only when set.
#[derive(Clone)]
pub(super) struct Conditions {
    clauses: Vec<Cow<'static, str>>,
    args: Vec<Arg>,
}

impl Conditions {
    pub(super) fn of_org(org: OrgId) -> Self {
        Self {
            clauses: vec!["organization_id = ?".into()],
            args: vec![org.to_string().into()],
        }
    }

    /// No organization at all: for the platform's list of organizations only, whose rows are
    /// the organizations themselves (operators never list an organization's own rows).
    pub(super) fn across_organizations() -> Self {
        Self {
            clauses: vec!["1 = 1".into()],
            args: Vec::new(),
        }
    }

    pub(super) fn and(
        &mut self,
        clause: impl Into<Cow<'static, str>>,
        args: impl IntoIterator<Item = Arg>,
    ) {
        self.clauses.push(clause.into());
        self.args.extend(args);
    }

    /// Adds a one-placeholder clause when `value` is set.
    pub(super) fn and_some<T: Into<Arg>>(&mut self, clause: &'static str, value: Option<T>) {
        if let Some(value) = value {
            self.and(clause, [value.into()]);
        }
    }

    fn filter(&self) -> String {
        self.clauses.join(" AND ")
    }
}

/// The rows of `{select} WHERE <conditions> {rest}`, where `rest` (GROUP BY, ORDER BY, LIMIT)
/// holds no placeholders.
pub(super) async fn fetch_where(
    store: &SqlStore,
    select: &str,
    conditions: &Conditions,
    rest: &str,
) -> StoreResult<Vec<AnyRow>> {
    let sql = AssertSqlSafe(format!("{select} WHERE {} {rest}", conditions.filter()));
    bind_args(sqlx::query(sql), &conditions.args)
        .fetch_all(store.pool())
        .await
        .map_err(unavailable)
}

/// How a page's `total` is counted.
#[derive(Clone, Copy)]
pub(super) enum Count<'a> {
    /// Every matching row.
    Exact,
    /// At most this many rows, or up to the page's end for a page beyond them: for lists that
    /// grow without end (call history), where an exact count would read every match. One more
    /// row is counted to tell whether there are more.
    AtMost(i64),
    /// [`Count::AtMost`] for conditions ending in one OR, given as the two sets that each keep
    /// one side of it: counted as the UNION of both (of the rows' `id`), so that each side reads
    /// its own index alone, where an OR merges the indexes and then reads every matching row.
    EitherAtMost(i64, &'a [Conditions; 2]),
}

/// Counts the rows of `table` that meet `conditions` and reads one page of them.
pub(super) async fn fetch_page<T>(
    store: &SqlStore,
    table: &str,
    columns: &str,
    conditions: &Conditions,
    order_by: &str,
    page: PageRequest,
    from_row: fn(&AnyRow) -> StoreResult<T>,
) -> StoreResult<Page<T>> {
    let query = PageQuery {
        table,
        columns,
        conditions,
        order_by,
        page,
        count: Count::Exact,
        ids_first: false,
    };
    query.fetch(store, from_row).await
}

/// One page of a list, and how its `total` is counted.
pub(super) struct PageQuery<'a> {
    pub table: &'a str,
    pub columns: &'a str,
    pub conditions: &'a Conditions,
    /// The list's own order; a requested sort goes before it.
    pub order_by: &'a str,
    pub page: PageRequest,
    pub count: Count<'a>,
    /// Find the page's `id`s first, then read those rows: an index that holds the filtered
    /// columns answers the first read alone, so a filter that skips many rows to fill a page
    /// visits only the rows it shows (for tables of wide rows that grow without end).
    pub ids_first: bool,
}

/// A [`PageQuery`]'s statements.
struct PageStatements {
    /// Its placeholders are `count_args`, then the bound + 1 when there is a bound.
    count: String,
    count_args: Vec<Arg>,
    bound: Option<i64>,
    /// Its last two placeholders are the limit and the offset.
    page: String,
}

impl PageQuery<'_> {
    /// Counts the matching rows (as far as `count` says) and reads the page.
    pub(super) async fn fetch<T>(
        &self,
        store: &SqlStore,
        from_row: fn(&AnyRow) -> StoreResult<T>,
    ) -> StoreResult<Page<T>> {
        let statements = self.statements();
        let count = bind_args(
            sqlx::query(AssertSqlSafe(statements.count)),
            &statements.count_args,
        );
        let count = match statements.bound {
            Some(bound) => count.bind(bound + 1),
            None => count,
        };
        let rows = bind_args(
            sqlx::query(AssertSqlSafe(statements.page)),
            &self.conditions.args,
        )
        .bind(self.page.limit())
        .bind(self.page.offset());
        // Neither waits for the other: two connections, one round trip.
        let (counted, rows) =
            tokio::try_join!(count.fetch_one(store.pool()), rows.fetch_all(store.pool()))
                .map_err(unavailable)?;
        let counted = big(&counted, "n")?;
        let (total, total_capped) = match statements.bound {
            Some(bound) if counted > bound => (bound, true),
            _ => (counted, false),
        };
        Ok(Page {
            items: rows.iter().map(from_row).collect::<StoreResult<_>>()?,
            total,
            total_capped,
            page: self.page.page,
            per_page: self.page.per_page,
        })
    }

    /// The database's plan of each statement (`EXPLAIN` on MySQL, `EXPLAIN QUERY PLAN` on
    /// SQLite), one line per plan row with its columns as `name=value`; for benchmarks.
    pub(super) async fn explain(
        &self,
        store: &SqlStore,
    ) -> StoreResult<Vec<(&'static str, Vec<String>)>> {
        let statements = self.statements();
        let explain = match store.dialect() {
            Dialect::MySql => "EXPLAIN",
            Dialect::Sqlite => "EXPLAIN QUERY PLAN",
        };
        let mut plans = Vec::new();
        for (label, sql, args, extra) in [
            (
                "count",
                statements.count,
                &statements.count_args,
                statements.bound.map(|b| vec![b + 1]).unwrap_or_default(),
            ),
            (
                "page",
                statements.page,
                &self.conditions.args,
                vec![self.page.limit(), self.page.offset()],
            ),
        ] {
            let mut query = bind_args(sqlx::query(AssertSqlSafe(format!("{explain} {sql}"))), args);
            for value in extra {
                query = query.bind(value);
            }
            let rows = query.fetch_all(store.pool()).await.map_err(unavailable)?;
            plans.push((label, rows.iter().map(plan_line).collect()));
        }
        Ok(plans)
    }

    fn statements(&self) -> PageStatements {
        let (table, filter) = (self.table, self.conditions.filter());
        let order_by = match self.page.sort {
            Some(sort) => Cow::Owned(format!(
                "{} {}, {}",
                qualified(table, sort.column),
                if sort.descending { "DESC" } else { "ASC" },
                self.order_by
            )),
            None => Cow::Borrowed(self.order_by),
        };
        let bound = |at_most: i64| Some(at_most.max(self.page.offset() + self.page.limit()));
        let args = || self.conditions.args.clone();
        let (count, count_args, bound) = match self.count {
            Count::Exact => (
                format!("SELECT COUNT(*) AS n FROM {table} WHERE {filter}"),
                args(),
                None,
            ),
            Count::AtMost(at_most) => (
                format!(
                    "SELECT COUNT(*) AS n FROM \
                     (SELECT 1 FROM {table} WHERE {filter} LIMIT ?) AS matched"
                ),
                args(),
                bound(at_most),
            ),
            Count::EitherAtMost(at_most, [one, other]) => (
                format!(
                    "SELECT COUNT(*) AS n FROM (SELECT id FROM {table} WHERE {} \
                     UNION SELECT id FROM {table} WHERE {} LIMIT ?) AS matched",
                    one.filter(),
                    other.filter()
                ),
                one.args.iter().chain(&other.args).cloned().collect(),
                bound(at_most),
            ),
        };
        let columns = self.columns;
        let page = if self.ids_first {
            // The derived table lets MySQL take a LIMIT inside IN.
            format!(
                "SELECT {columns} FROM {table} WHERE id IN (SELECT id FROM \
                 (SELECT id FROM {table} WHERE {filter} ORDER BY {order_by} LIMIT ? OFFSET ?) \
                 AS page) ORDER BY {order_by}"
            )
        } else {
            format!(
                "SELECT {columns} FROM {table} WHERE {filter} ORDER BY {order_by} LIMIT ? OFFSET ?"
            )
        };
        PageStatements {
            count,
            count_args,
            bound,
            page,
        }
    }
}

fn plan_line(row: &AnyRow) -> String {
    use sqlx::{Column, Row};
    row.columns()
        .iter()
        .map(|c| {
            let i = c.ordinal();
            let value = row
                .try_get::<Option<String>, _>(i)
                .ok()
                .flatten()
                .or_else(|| {
                    row.try_get::<Option<i64>, _>(i)
                        .ok()
                        .flatten()
                        .map(|n| n.to_string())
                })
                .or_else(|| {
                    row.try_get::<Option<f64>, _>(i)
                        .ok()
                        .flatten()
                        .map(|n| n.to_string())
                })
                .unwrap_or_else(|| "NULL".into());
            format!("{}={value}", c.name())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `column` prefixed with the alias of `table` when it has one (`"extensions e"` → `e.number`).
fn qualified(table: &str, column: &str) -> String {
    match table.split_whitespace().nth(1) {
        Some(alias) => format!("{alias}.{column}"),
        None => column.to_owned(),
    }
}

/// Reads the child rows of several parents at once (one query for a whole page), grouped by the
/// parent id in `parent_column` and ordered by `order_by` within each parent.
pub(super) async fn fetch_children<T>(
    store: &SqlStore,
    select: &str,
    parent_column: &str,
    order_by: &str,
    org: OrgId,
    parent_ids: &[String],
    from_row: fn(&AnyRow) -> StoreResult<T>,
) -> StoreResult<HashMap<String, Vec<T>>> {
    let mut grouped: HashMap<String, Vec<T>> = HashMap::new();
    if parent_ids.is_empty() {
        return Ok(grouped);
    }
    let sql = AssertSqlSafe(format!(
        "{select} WHERE organization_id = ? AND {parent_column} IN ({}) \
         ORDER BY {parent_column}, {order_by}",
        placeholders(parent_ids.len())
    ));
    let mut query = sqlx::query(sql).bind(org.to_string());
    for id in parent_ids {
        query = query.bind(id.clone());
    }
    let rows = query.fetch_all(store.pool()).await.map_err(unavailable)?;
    for row in &rows {
        grouped
            .entry(text(row, parent_column)?)
            .or_default()
            .push(from_row(row)?);
    }
    Ok(grouped)
}

/// Removes the child rows of one parent, before saving its new set.
pub(super) async fn delete_children(
    conn: &mut AnyConnection,
    table: &str,
    parent_column: &str,
    org: OrgId,
    parent_id: String,
) -> StoreResult<()> {
    let sql = AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE organization_id = ? AND {parent_column} = ?"
    ));
    sqlx::query(sql)
        .bind(org.to_string())
        .bind(parent_id)
        .execute(conn)
        .await
        .map_err(unavailable)?;
    Ok(())
}

/// A one-row INSERT that does nothing when a unique key already holds the row, for the writes that
/// webhooks replay. Which happened is learnt by reading the row back: with the `FOUND_ROWS` flag
/// sqlx sets, MySQL reports one affected row both for an insert and for the no-op update.
pub(super) fn insert_if_absent(
    dialect: Dialect,
    table: &str,
    columns: &str,
    key_column: &str,
) -> AssertSqlSafe<String> {
    let insert = format!(
        "INSERT INTO {table} ({columns}) VALUES ({})",
        placeholders(columns.split(',').count())
    );
    AssertSqlSafe(match dialect {
        Dialect::MySql => format!("{insert} ON DUPLICATE KEY UPDATE {key_column} = {key_column}"),
        Dialect::Sqlite => format!("{insert} ON CONFLICT DO NOTHING"),
    })
}

/// A LIKE pattern matching `needle` anywhere, for `LIKE ? ESCAPE '!'`: `!` is the escape character
/// (the one escape both dialects read the same way; a backslash is itself an escape in MySQL
/// string literals).
pub(super) fn contains_pattern(needle: &str) -> String {
    format!("%{}%", escape_like(needle))
}

/// A LIKE pattern matching what starts with `prefix` (an index range), for `LIKE ? ESCAPE '!'`.
pub(super) fn starts_with_pattern(prefix: &str) -> String {
    format!("{}%", escape_like(prefix))
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '!' | '%' | '_') {
            escaped.push('!');
        }
        escaped.push(c);
    }
    escaped
}

/// How to read one table of tenant rows: the table (aliased when `columns` are qualified), the
/// columns a list's `q` searches, an order that keeps pages stable, and the row decoder.
pub(super) struct Table<T> {
    pub from: &'static str,
    pub columns: &'static str,
    pub searched: &'static [&'static str],
    pub order_by: &'static str,
    pub from_row: fn(&AnyRow) -> StoreResult<T>,
}

impl<T: Send> Table<T> {
    /// The row of `org` whose `column` equals `value`.
    pub(super) async fn find(
        &self,
        store: &SqlStore,
        org: OrgId,
        column: &str,
        value: String,
    ) -> StoreResult<T> {
        let sql = format!(
            "SELECT {} FROM {} WHERE organization_id = ? AND {column} = ?",
            self.columns, self.from
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(org.to_string())
            .bind(value)
            .fetch_optional(store.pool())
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound)?;
        (self.from_row)(&row)
    }

    /// One page of the organization's rows matching `filter`, with the count of all matches.
    pub(super) async fn page(
        &self,
        store: &SqlStore,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<T>> {
        fetch_page(
            store,
            self.from,
            self.columns,
            &self.conditions(org, filter),
            self.order_by,
            page,
            self.from_row,
        )
        .await
    }

    /// Every row of the organization matching `filter`, in list order.
    pub(super) async fn all(
        &self,
        store: &SqlStore,
        org: OrgId,
        filter: &ListFilter,
    ) -> StoreResult<Vec<T>> {
        let conditions = self.conditions(org, filter);
        let sql = format!(
            "SELECT {} FROM {} WHERE {} ORDER BY {}",
            self.columns,
            self.from,
            conditions.filter(),
            self.order_by
        );
        bind_args(sqlx::query(AssertSqlSafe(sql)), &conditions.args)
            .fetch_all(store.pool())
            .await
            .map_err(unavailable)?
            .iter()
            .map(self.from_row)
            .collect()
    }

    /// The WHERE clause for `filter`.
    fn conditions(&self, org: OrgId, filter: &ListFilter) -> Conditions {
        let mut conditions = Conditions::of_org(org);
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            // Both schemas compare these columns case-insensitively (utf8mb4_unicode_ci, NOCASE
            // or digits), and SQLite's LIKE ignores ASCII case anyway.
            let any_column = self
                .searched
                .iter()
                .map(|column| format!("{column} LIKE ? ESCAPE '!'"))
                .collect::<Vec<_>>()
                .join(" OR ");
            let pattern = contains_pattern(q);
            conditions.and(
                format!("({any_column})"),
                std::iter::repeat_n(pattern, self.searched.len()).map(Arg::from),
            );
        }
        conditions.and_some("status = ?", filter.status.map(|s| s.as_str()));
        conditions
    }
}

/// Whether `table` holds the row `id` of `org`.
pub(super) async fn exists_in_org(
    conn: &mut AnyConnection,
    table: &str,
    org: OrgId,
    id: &str,
) -> StoreResult<bool> {
    let sql = format!("SELECT id FROM {table} WHERE id = ? AND organization_id = ?");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id.to_owned())
        .bind(org.to_string())
        .fetch_optional(conn)
        .await
        .map_err(unavailable)?;
    Ok(row.is_some())
}

/// A transaction that will write. SQLite's default deferred transaction fails with SQLITE_BUSY
/// when it reads, another connection writes, and then it writes; taking the write lock at BEGIN
/// makes it wait its turn instead.
pub(super) async fn begin_write(store: &SqlStore) -> StoreResult<Transaction<'static, Any>> {
    match store.dialect() {
        Dialect::Sqlite => store.pool().begin_with("BEGIN IMMEDIATE").await,
        Dialect::MySql => store.pool().begin().await,
    }
    .map_err(unavailable)
}

/// Writes the `audit` entries describing a change in the change's own transaction, then commits:
/// the change and its entries are kept together or not at all (issue 12.6).
pub(super) async fn commit_audited(
    mut tx: Transaction<'static, Any>,
    audit: &[AuditEntry],
) -> StoreResult<()> {
    for entry in audit {
        insert_audit(&mut tx, entry).await?;
    }
    tx.commit().await.map_err(unavailable)
}

/// [`commit_audited`] for an update that touched `rows`: none means the row is not there
/// (another organization's, or deleted), and the transaction is rolled back as not found.
pub(super) async fn commit_found(
    tx: Transaction<'static, Any>,
    rows: u64,
    audit: &[AuditEntry],
) -> StoreResult<()> {
    if rows == 0 {
        return Err(StoreError::NotFound);
    }
    commit_audited(tx, audit).await
}

/// Deletes the row `id` of `org` from `table` (objects of kind `target`) unless something else
/// still routes to it, checking, deleting and auditing in one transaction.
pub(super) async fn delete_unreferenced(
    store: &SqlStore,
    table: &str,
    target: DestinationKind,
    org: OrgId,
    id: &str,
    audit: &[AuditEntry],
) -> StoreResult<()> {
    let mut tx = begin_write(store).await?;
    delete_unreferenced_in(&mut tx, table, target, org, id).await?;
    commit_audited(tx, audit).await
}

/// [`delete_unreferenced`] inside the caller's transaction, for deletes that write more.
pub(super) async fn delete_unreferenced_in(
    conn: &mut AnyConnection,
    table: &str,
    target: DestinationKind,
    org: OrgId,
    id: &str,
) -> StoreResult<()> {
    if !exists_in_org(conn, table, org, id).await? {
        return Err(StoreError::NotFound);
    }
    let referrers = referrers(conn, org, target, id).await?;
    if !referrers.is_empty() {
        return Err(StoreError::InUse(referrers));
    }
    delete_in_org(conn, table, org, id).await
}

/// Deletes the row `id` of `org` from `table`; `NotFound` when there is none.
pub(super) async fn delete_in_org(
    conn: &mut AnyConnection,
    table: &str,
    org: OrgId,
    id: &str,
) -> StoreResult<()> {
    let sql = format!("DELETE FROM {table} WHERE id = ? AND organization_id = ?");
    let done = sqlx::query(AssertSqlSafe(sql))
        .bind(id.to_owned())
        .bind(org.to_string())
        .execute(conn)
        .await
        .map_err(unavailable)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
