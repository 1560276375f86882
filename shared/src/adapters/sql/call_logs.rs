//! Call logs, and the statement helpers that the other list and history repositories share
//! (dynamic filters, pagination, child rows, insert-if-absent).

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyConnection, AssertSqlSafe, Executor};

use super::references::begin_write;
use super::{
    Dialect, SqlStore, big, enumerated, opt_big, opt_int, opt_parsed, opt_text, parsed, text,
    unavailable,
};
use crate::domain::destination::Destination;
use crate::domain::ids::{CallLogId, OrgId};
use crate::domain::model::{CallDirection, CallLog, CallStatus};
use crate::ports::call_logs::{CallLogFilter, CallLogInsert, CallLogRepo, CallLogUpdate};
use crate::ports::store::{Page, PageRequest, StoreError, StoreResult};

/// A value for one `?` of a statement whose text is built at run time.
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
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The WHERE clause of a list query. It starts with the organization so that no list can ever
/// reach another tenant's rows; filters are added only when set.
pub(super) struct Conditions {
    clauses: Vec<&'static str>,
    args: Vec<Arg>,
}

impl Conditions {
    pub(super) fn of_org(org: OrgId) -> Self {
        Self {
            clauses: vec!["organization_id = ?"],
            args: vec![org.to_string().into()],
        }
    }

    pub(super) fn and(&mut self, clause: &'static str, args: impl IntoIterator<Item = Arg>) {
        self.clauses.push(clause);
        self.args.extend(args);
    }

    /// Adds a one-placeholder clause when `value` is set.
    pub(super) fn and_some<T: Into<Arg>>(&mut self, clause: &'static str, value: Option<T>) {
        if let Some(value) = value {
            self.and(clause, [value.into()]);
        }
    }
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
    let filter = conditions.clauses.join(" AND ");
    let count_sql = AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {table} WHERE {filter}"));
    let count = bind_args(sqlx::query(count_sql), &conditions.args)
        .fetch_one(store.pool())
        .await
        .map_err(unavailable)?;
    let page_sql = AssertSqlSafe(format!(
        "SELECT {columns} FROM {table} WHERE {filter} ORDER BY {order_by} LIMIT ? OFFSET ?"
    ));
    let rows = bind_args(sqlx::query(page_sql), &conditions.args)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(store.pool())
        .await
        .map_err(unavailable)?;
    Ok(Page {
        items: rows.iter().map(from_row).collect::<StoreResult<_>>()?,
        total: big(&count, "n")?,
        page: page.page,
        per_page: page.per_page,
    })
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

/// A LIKE pattern matching `needle` anywhere, with `!` as the escape character (the one escape
/// both dialects read the same way; a backslash is itself an escape in MySQL string literals).
fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '!' | '%' | '_') {
            pattern.push('!');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

const TABLE: &str = "call_logs";
const COLUMNS: &str = "id, organization_id, call_sid, session_token, direction, from_number, \
     to_number, caller_name, phone_number_id, extension_id, status, path, disposition, started_at, \
     answered_at, ended_at, duration_seconds, billsec, recording_url, updated_at";

fn path_json(path: &[Destination]) -> String {
    serde_json::to_string(path).expect("destinations always serialise")
}

fn read_path(row: &AnyRow) -> StoreResult<Vec<Destination>> {
    serde_json::from_str(&text(row, "path")?)
        .map_err(|e| StoreError::Corrupt(format!("column path: {e}")))
}

fn from_row(row: &AnyRow) -> StoreResult<CallLog> {
    Ok(CallLog {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        call_sid: text(row, "call_sid")?,
        session_token: opt_text(row, "session_token")?,
        direction: enumerated(row, "direction", CallDirection::parse)?,
        from_number: text(row, "from_number")?,
        to_number: text(row, "to_number")?,
        caller_name: opt_text(row, "caller_name")?,
        phone_number_id: opt_parsed(row, "phone_number_id")?,
        extension_id: opt_parsed(row, "extension_id")?,
        status: enumerated(row, "status", CallStatus::parse)?,
        path: read_path(row)?,
        disposition: opt_text(row, "disposition")?,
        started_at: big(row, "started_at")?,
        answered_at: opt_big(row, "answered_at")?,
        ended_at: opt_big(row, "ended_at")?,
        duration_seconds: opt_int(row, "duration_seconds")?,
        billsec: opt_int(row, "billsec")?,
        recording_url: opt_text(row, "recording_url")?,
        updated_at: big(row, "updated_at")?,
    })
}

async fn find_one<'c>(
    executor: impl Executor<'c, Database = Any>,
    org: OrgId,
    key_clause: &str,
    key: String,
) -> StoreResult<CallLog> {
    let sql = AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {TABLE} WHERE organization_id = ? AND {key_clause}"
    ));
    let row = sqlx::query(sql)
        .bind(org.to_string())
        .bind(key)
        .fetch_optional(executor)
        .await
        .map_err(unavailable)?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

#[async_trait]
impl CallLogRepo for SqlStore {
    async fn create_call_log(&self, log: &CallLog) -> StoreResult<CallLogInsert> {
        sqlx::query(insert_if_absent(self.dialect(), TABLE, COLUMNS, "id"))
            .bind(log.id.to_string())
            .bind(log.organization_id.to_string())
            .bind(&log.call_sid)
            .bind(log.session_token.as_deref())
            .bind(log.direction.as_str())
            .bind(&log.from_number)
            .bind(&log.to_number)
            .bind(log.caller_name.as_deref())
            .bind(log.phone_number_id.map(|p| p.to_string()))
            .bind(log.extension_id.map(|e| e.to_string()))
            .bind(log.status.as_str())
            .bind(path_json(&log.path))
            .bind(log.disposition.as_deref())
            .bind(log.started_at)
            .bind(log.answered_at)
            .bind(log.ended_at)
            .bind(log.duration_seconds)
            .bind(log.billsec)
            .bind(log.recording_url.as_deref())
            .bind(log.updated_at)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        let stored = self
            .find_call_log_by_sid(log.organization_id, &log.call_sid)
            .await?;
        Ok(if stored.id == log.id {
            CallLogInsert::Created
        } else {
            CallLogInsert::AlreadyExists(Box::new(stored))
        })
    }

    async fn find_call_log(&self, org: OrgId, id: CallLogId) -> StoreResult<CallLog> {
        find_one(self.pool(), org, "id = ?", id.to_string()).await
    }

    async fn find_call_log_by_sid(&self, org: OrgId, call_sid: &str) -> StoreResult<CallLog> {
        find_one(self.pool(), org, "call_sid = ?", call_sid.to_owned()).await
    }

    async fn update_call_log(
        &self,
        org: OrgId,
        id: CallLogId,
        update: &CallLogUpdate,
    ) -> StoreResult<CallLog> {
        // The lock (SQLite: at BEGIN; MySQL: the row, by this first UPDATE) is held before the
        // path is read, so two events appending at once queue instead of overwriting each other.
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE call_logs SET status = COALESCE(?, status), \
             extension_id = COALESCE(?, extension_id), answered_at = COALESCE(?, answered_at), \
             ended_at = COALESCE(?, ended_at), duration_seconds = COALESCE(?, duration_seconds), \
             billsec = COALESCE(?, billsec), disposition = COALESCE(?, disposition), \
             recording_url = COALESCE(?, recording_url), updated_at = ? \
             WHERE organization_id = ? AND id = ?",
        )
        .bind(update.status.map(|s| s.as_str()))
        .bind(update.extension_id.map(|e| e.to_string()))
        .bind(update.answered_at)
        .bind(update.ended_at)
        .bind(update.duration_seconds)
        .bind(update.billsec)
        .bind(update.disposition.as_deref())
        .bind(update.recording_url.as_deref())
        .bind(update.updated_at)
        .bind(org.to_string())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let mut log = find_one(&mut *tx, org, "id = ?", id.to_string()).await?;
        if !update.append_path.is_empty() {
            log.path.extend(update.append_path.iter().cloned());
            sqlx::query("UPDATE call_logs SET path = ? WHERE organization_id = ? AND id = ?")
                .bind(path_json(&log.path))
                .bind(org.to_string())
                .bind(id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(log)
    }

    async fn list_call_logs(
        &self,
        org: OrgId,
        filter: &CallLogFilter,
        page: PageRequest,
    ) -> StoreResult<Page<CallLog>> {
        let mut conditions = Conditions::of_org(org);
        conditions.and_some("started_at >= ?", filter.from);
        conditions.and_some("started_at < ?", filter.to);
        conditions.and_some("direction = ?", filter.direction.map(|d| d.as_str()));
        conditions.and_some("status = ?", filter.status.map(|s| s.as_str()));
        conditions.and_some(
            "extension_id = ?",
            filter.extension_id.map(|e| e.to_string()),
        );
        if let Some(number) = &filter.number {
            let pattern = contains_pattern(number);
            conditions.and(
                "(from_number LIKE ? ESCAPE '!' OR to_number LIKE ? ESCAPE '!')",
                [pattern.clone().into(), pattern.into()],
            );
        }
        fetch_page(
            self,
            TABLE,
            COLUMNS,
            &conditions,
            "started_at DESC, id DESC",
            page,
            from_row,
        )
        .await
    }
}
