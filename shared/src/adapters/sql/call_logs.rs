//! Call logs.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Executor};

use super::call_history_rollups;
use super::query::{
    Arg, Conditions, Count, PageQuery, begin_write, fetch_where, insert_if_absent, placeholders,
    starts_with_pattern,
};
use super::{
    Dialect, SqlStore, big, enumerated, int, opt_big, opt_int, opt_parsed, opt_text, parsed, text,
    unavailable,
};
use crate::domain::call_trace::{CallTrace, MAX_CALL_BYTES, TraceLine};
use crate::domain::destination::PathStep;
use crate::domain::ids::{CallLogId, OrgId};
use crate::domain::model::{CallDirection, CallLog, CallStatus};
use crate::domain::now_ms;
use crate::ports::call_logs::{
    ANSWERED, CallLogCursor, CallLogFilter, CallLogInsert, CallLogRepo, CallLogStats,
    CallLogUpdate, CallSlot, CallStep, ExtensionCalls, LIST_COUNT_BOUND, MISSED, NumberCalls,
};
use crate::ports::store::{Page, PageRequest, StoreError, StoreResult};

const TABLE: &str = "call_logs";
const NEWEST_FIRST: &str = "started_at DESC, id DESC";
const COLUMNS: &str = "id, organization_id, call_sid, session_token, direction, from_number, \
     to_number, caller_name, phone_number_id, extension_id, status, path, disposition, started_at, \
     answered_at, ended_at, duration_seconds, billsec, recording_url, updated_at";
/// What an INSERT writes besides [`COLUMNS`]: the trace is never read with the log.
const TRACE_COLUMNS: &str = "trace, trace_bytes, trace_until";

/// The SET clauses that append one trace line when it fits under the cap and count it as
/// dropped otherwise; binds are [`bind_trace_append`]'s. `trace_bytes` is assigned last because
/// MySQL evaluates assignments left to right with the new values (SQLite with the old ones).
fn trace_append_sets(dialect: Dialect) -> String {
    let fits = "trace_bytes + ? <= ?";
    let appended = match dialect {
        Dialect::MySql => "CONCAT(COALESCE(trace, ''), ?)",
        Dialect::Sqlite => "COALESCE(trace, '') || ?",
    };
    format!(
        "trace = CASE WHEN {fits} THEN {appended} ELSE trace END, \
         trace_dropped = trace_dropped + CASE WHEN {fits} THEN 0 ELSE 1 END, \
         trace_until = COALESCE(trace_until, started_at + ?), \
         trace_bytes = CASE WHEN {fits} THEN trace_bytes + ? ELSE trace_bytes END"
    )
}

fn bind_trace_append<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    line: &TraceLine,
    retention_ms: i64,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    let (bytes, text) = (line.bytes(), line.as_str().to_owned());
    query
        .bind(bytes)
        .bind(MAX_CALL_BYTES)
        .bind(text)
        .bind(bytes)
        .bind(MAX_CALL_BYTES)
        .bind(retention_ms)
        .bind(bytes)
        .bind(MAX_CALL_BYTES)
        .bind(bytes)
}

fn path_json(path: &[PathStep]) -> String {
    serde_json::to_string(path).expect("destinations always serialise")
}

fn read_path(row: &AnyRow) -> StoreResult<Vec<PathStep>> {
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

/// Binds [`COLUMNS`] then [`TRACE_COLUMNS`].
fn bind_log<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    log: &CallLog,
    trace: Option<&TraceLine>,
    retention_ms: i64,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    // The first line always fits: one entry is far below the per-call cap.
    let (trace, bytes, until) = match trace {
        Some(line) => (
            Some(line.as_str().to_owned()),
            line.bytes(),
            Some(log.started_at + retention_ms),
        ),
        None => (None, 0, None),
    };
    query
        .bind(log.id.to_string())
        .bind(log.organization_id.to_string())
        .bind(log.call_sid.clone())
        .bind(log.session_token.clone())
        .bind(log.direction.as_str())
        .bind(log.from_number.clone())
        .bind(log.to_number.clone())
        .bind(log.caller_name.clone())
        .bind(log.phone_number_id.map(|p| p.to_string()))
        .bind(log.extension_id.map(|e| e.to_string()))
        .bind(log.status.as_str())
        .bind(path_json(&log.path))
        .bind(log.disposition.clone())
        .bind(log.started_at)
        .bind(log.answered_at)
        .bind(log.ended_at)
        .bind(log.duration_seconds)
        .bind(log.billsec)
        .bind(log.recording_url.clone())
        .bind(log.updated_at)
        .bind(trace)
        .bind(bytes)
        .bind(until)
}

/// Rows per bulk INSERT: 400 × 23 values stays under both databases' placeholder limits.
const BULK_ROWS: usize = 400;

fn insert_columns() -> String {
    format!("{COLUMNS}, {TRACE_COLUMNS}")
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

/// After `log` was written: its day's sums are dropped if it may have been summed (a call logged
/// late). No statement for a new call, whose day is never summed.
async fn forget_day_of(store: &SqlStore, log: &CallLog) -> StoreResult<()> {
    call_history_rollups::forget_days(
        store.pool(),
        log.organization_id,
        [log.started_at],
        now_ms(),
    )
    .await
}

#[async_trait]
impl CallLogRepo for SqlStore {
    async fn create_call_log(
        &self,
        log: &CallLog,
        trace: Option<&TraceLine>,
    ) -> StoreResult<CallLogInsert> {
        bind_log(
            sqlx::query(insert_if_absent(
                self.dialect(),
                TABLE,
                &insert_columns(),
                "id",
            )),
            log,
            trace,
            self.trace_retention_ms(),
        )
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        forget_day_of(self, log).await?;
        let stored = self
            .find_call_log_by_sid(log.organization_id, &log.call_sid)
            .await?;
        Ok(if stored.id == log.id {
            CallLogInsert::Created
        } else {
            CallLogInsert::AlreadyExists(Box::new(stored))
        })
    }

    async fn insert_call_log(&self, log: &CallLog, trace: Option<&TraceLine>) -> StoreResult<bool> {
        let columns = insert_columns();
        let sql = AssertSqlSafe(format!(
            "INSERT INTO {TABLE} ({columns}) VALUES ({})",
            placeholders(columns.split(',').count())
        ));
        // A plain INSERT: MySQL's "no change" upsert counts as one row for sqlx (FOUND_ROWS),
        // so the unique key's refusal is what tells an existing call apart.
        match bind_log(sqlx::query(sql), log, trace, self.trace_retention_ms())
            .execute(self.pool())
            .await
        {
            Ok(_) => {
                forget_day_of(self, log).await?;
                Ok(true)
            }
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn find_call_log(&self, org: OrgId, id: CallLogId) -> StoreResult<CallLog> {
        find_one(self.pool(), org, "id = ?", id.to_string()).await
    }

    async fn find_call_log_by_sid(&self, org: OrgId, call_sid: &str) -> StoreResult<CallLog> {
        find_one(self.pool(), org, "call_sid = ?", call_sid.to_owned()).await
    }

    async fn find_call_log_by_session(&self, org: OrgId, token: &str) -> StoreResult<CallLog> {
        find_one(self.pool(), org, "session_token = ?", token.to_owned()).await
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
        let trace_sets = match update.trace {
            Some(_) => format!("{}, ", trace_append_sets(self.dialect())),
            None => String::new(),
        };
        let sql = AssertSqlSafe(format!(
            "UPDATE call_logs SET status = COALESCE(?, status), \
             extension_id = COALESCE(?, extension_id), answered_at = COALESCE(?, answered_at), \
             ended_at = COALESCE(?, ended_at), duration_seconds = COALESCE(?, duration_seconds), \
             billsec = COALESCE(?, billsec), disposition = COALESCE(?, disposition), \
             recording_url = COALESCE(?, recording_url), {trace_sets}updated_at = ? \
             WHERE organization_id = ? AND id = ?",
        ));
        let mut query = sqlx::query(sql)
            .bind(update.status.map(|s| s.as_str()))
            .bind(update.extension_id.map(|e| e.to_string()))
            .bind(update.answered_at)
            .bind(update.ended_at)
            .bind(update.duration_seconds)
            .bind(update.billsec)
            .bind(update.disposition.as_deref())
            .bind(update.recording_url.as_deref());
        if let Some(line) = &update.trace {
            query = bind_trace_append(query, line, self.trace_retention_ms());
        }
        let done = query
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
        call_history_rollups::forget_days(&mut *tx, org, [log.started_at], now_ms()).await?;
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

    async fn record_call_step(
        &self,
        org: OrgId,
        call_sid: &str,
        step: &CallStep<'_>,
    ) -> StoreResult<bool> {
        // MySQL assigns left to right and later expressions see earlier assignments (SQLite's
        // see the old row): `updated_at` and `answered_at` read `status` before it changes.
        let answerable = "? AND status IN (?, ?)";
        let appended = match self.dialect() {
            Dialect::MySql => {
                "CONCAT(SUBSTRING(path, 1, CHAR_LENGTH(path) - 1), ',', SUBSTRING(?, 2))"
            }
            Dialect::Sqlite => "substr(path, 1, length(path) - 1) || ',' || substr(?, 2)",
        };
        let sql = AssertSqlSafe(format!(
            "UPDATE {TABLE} SET              updated_at = CASE WHEN ({answerable}) OR (extension_id IS NULL AND ? IS NOT NULL)                OR ? <> '[]' THEN ? ELSE updated_at END,              answered_at = CASE WHEN {answerable} AND answered_at IS NULL THEN ? ELSE answered_at END,              status = CASE WHEN {answerable} THEN ? ELSE status END,              extension_id = COALESCE(extension_id, ?),              path = CASE WHEN ? = '[]' THEN path WHEN path = '[]' THEN ? ELSE {appended} END,              {} WHERE organization_id = ? AND call_sid = ?",
            trace_append_sets(self.dialect())
        ));
        let (initiated, ringing) = (CallStatus::Initiated.as_str(), CallStatus::Ringing.as_str());
        let extension = step.extension_id.map(|e| e.to_string());
        let path = path_json(step.append_path);
        let query = sqlx::query(sql)
            .bind(step.dial_answered)
            .bind(initiated)
            .bind(ringing)
            .bind(extension.clone())
            .bind(path.clone())
            .bind(step.at)
            .bind(step.dial_answered)
            .bind(initiated)
            .bind(ringing)
            .bind(step.at)
            .bind(step.dial_answered)
            .bind(initiated)
            .bind(ringing)
            .bind(CallStatus::Answered.as_str())
            .bind(extension)
            .bind(path.clone())
            .bind(path.clone())
            .bind(path);
        let done = bind_trace_append(query, step.trace, self.trace_retention_ms())
            .bind(org.to_string())
            .bind(call_sid.to_owned())
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn append_call_trace(
        &self,
        org: OrgId,
        id: CallLogId,
        line: &TraceLine,
    ) -> StoreResult<()> {
        let sql = AssertSqlSafe(format!(
            "UPDATE {TABLE} SET {} WHERE organization_id = ? AND id = ?",
            trace_append_sets(self.dialect())
        ));
        let done = bind_trace_append(sqlx::query(sql), line, self.trace_retention_ms())
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn find_call_trace(&self, org: OrgId, id: CallLogId, now: i64) -> StoreResult<CallTrace> {
        let row = sqlx::query(
            "SELECT trace, trace_dropped, trace_until FROM call_logs \
             WHERE organization_id = ? AND id = ?",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(unavailable)?
        .ok_or(StoreError::NotFound)?;
        let until = opt_big(&row, "trace_until")?;
        Ok(match (until, opt_text(&row, "trace")?) {
            (Some(until), Some(text)) if until > now => {
                CallTrace::parse(&text, int(&row, "trace_dropped")?, Some(until))
            }
            _ => CallTrace::default(),
        })
    }

    async fn prune_call_traces(&self, org: OrgId, now: i64) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE call_logs SET trace = NULL, trace_bytes = 0, trace_dropped = 0, \
             trace_until = NULL WHERE organization_id = ? AND trace_until <= ?",
        )
        .bind(org.to_string())
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected())
    }

    async fn list_call_logs(
        &self,
        org: OrgId,
        filter: &CallLogFilter,
        page: PageRequest,
    ) -> StoreResult<Page<CallLog>> {
        list_query(&conditions(self, org, filter).await?, page)
            .fetch(self, from_row)
            .await
    }

    async fn call_logs_after(
        &self,
        org: OrgId,
        filter: &CallLogFilter,
        after: Option<CallLogCursor>,
        limit: u32,
    ) -> StoreResult<Vec<CallLog>> {
        let mut conditions = conditions(self, org, filter).await?.all;
        if let Some(after) = after {
            conditions.and(
                "(started_at < ? OR (started_at = ? AND id < ?))",
                [
                    after.started_at.into(),
                    after.started_at.into(),
                    after.id.to_string().into(),
                ],
            );
        }
        let select = format!("SELECT {COLUMNS} FROM {TABLE}");
        let rest = format!("ORDER BY {NEWEST_FIRST} LIMIT {limit}");
        fetch_where(self, &select, &conditions, &rest)
            .await?
            .iter()
            .map(from_row)
            .collect()
    }

    async fn call_log_stats(
        &self,
        org: OrgId,
        filter: &CallLogFilter,
        slot_ms: i64,
        top: u32,
    ) -> StoreResult<CallLogStats> {
        if let Some(days) = call_history_rollups::summable_days(filter, now_ms()) {
            let summed = call_history_rollups::stats(self, org, days, slot_ms, top).await?;
            if let Some(stats) = summed {
                return Ok(stats);
            }
        }
        let conditions = conditions(self, org, filter).await?.all;
        raw_stats(
            self,
            &conditions,
            filter.extensions.as_deref(),
            slot_ms,
            Some(top),
        )
        .await
    }
}

/// What one slot of call statistics counts and sums, as a SELECT list over call logs: `calls`,
/// `answered`, `missed`, `timed`, `duration_seconds`, `waited`, `wait_ms`, `talked`, `talk_ms`.
/// Literals from code only (the status lists). SUMs are cast because MySQL sums integers as
/// DECIMAL, which the Any driver cannot read.
pub(super) fn slot_sums() -> String {
    let answered = quoted(ANSWERED.iter().map(|s| s.as_str()));
    let is_answered = format!("status IN ({answered})");
    // An answered call's wait and talk time in ms, NULL when unknown (COUNT and SUM skip it).
    let wait = format!("CASE WHEN {is_answered} THEN answered_at - started_at END");
    let talk = format!(
        "CASE WHEN {is_answered} THEN COALESCE(billsec * 1000, ended_at - answered_at) END"
    );
    format!(
        "COUNT(*) AS calls, COUNT(CASE WHEN {is_answered} THEN 1 END) AS answered, \
         COUNT(CASE WHEN status IN ({missed}) THEN 1 END) AS missed, \
         COUNT(duration_seconds) AS timed, \
         CAST(COALESCE(SUM(duration_seconds), 0) AS SIGNED) AS duration_seconds, \
         COUNT({wait}) AS waited, CAST(COALESCE(SUM({wait}), 0) AS SIGNED) AS wait_ms, \
         COUNT({talk}) AS talked, CAST(COALESCE(SUM({talk}), 0) AS SIGNED) AS talk_ms",
        missed = quoted(MISSED.iter().map(|s| s.as_str())),
    )
}

/// Calls offered to each extension: `extension_id`, `calls`, `answered`.
pub(super) fn extension_sums() -> String {
    let answered = quoted(ANSWERED.iter().map(|s| s.as_str()));
    format!(
        "extension_id, COUNT(*) AS calls, \
         COUNT(CASE WHEN status IN ({answered}) THEN 1 END) AS answered"
    )
}

/// The organization's own number of an inbound or outbound call (the called number of inbound
/// calls, the calling number of outbound ones); the calls must be restricted to
/// [`PLACED_OR_RECEIVED`].
pub(super) fn our_number() -> String {
    format!(
        "CASE WHEN direction = '{}' THEN to_number ELSE from_number END",
        CallDirection::Inbound.as_str()
    )
}

pub(super) const PLACED_OR_RECEIVED: &str = "direction IN ('inbound', 'outbound')";

/// Statistics read from the calls themselves. With `top`, the busiest lists are cut to it in
/// SQL; without, they list every extension and number (for adding to per-day sums).
pub(super) async fn raw_stats(
    store: &SqlStore,
    conditions: &Conditions,
    extensions: Option<&[crate::domain::ids::ExtensionId]>,
    slot_ms: i64,
    top: Option<u32>,
) -> StoreResult<CallLogStats> {
    // Literals from code only: the slot length and the limit.
    let slots = format!(
        "SELECT started_at - started_at % {slot_ms} AS slot, {} FROM {TABLE}",
        slot_sums()
    );
    let mut offered = conditions.clone();
    offered.and("extension_id IS NOT NULL", []);
    if let Some(ids) = extensions.filter(|ids| !ids.is_empty()) {
        offered.and(
            format!("extension_id IN ({})", placeholders(ids.len())),
            ids.iter()
                .map(|id| Arg::from(id.to_string()))
                .collect::<Vec<_>>(),
        );
    }
    let limit = top.map(|n| format!("LIMIT {n}")).unwrap_or_default();
    let busiest_extensions = format!("SELECT {} FROM {TABLE}", extension_sums());
    let extensions_rest =
        format!("GROUP BY extension_id ORDER BY calls DESC, extension_id {limit}");
    let mut placed_or_received = conditions.clone();
    placed_or_received.and(PLACED_OR_RECEIVED, []);
    let busiest = format!(
        "SELECT {} AS our_number, COUNT(*) AS calls FROM {TABLE}",
        our_number()
    );
    let busiest_rest = format!("GROUP BY our_number ORDER BY calls DESC, our_number {limit}");

    // Each of the three reads a whole period of the organization's calls, so they run at once,
    // on three connections.
    let (slots, busiest_extensions, busiest) = tokio::try_join!(
        fetch_where(store, &slots, conditions, "GROUP BY slot ORDER BY slot"),
        fetch_where(store, &busiest_extensions, &offered, &extensions_rest),
        fetch_where(store, &busiest, &placed_or_received, &busiest_rest),
    )?;
    Ok(CallLogStats {
        slots: slots.iter().map(slot_row).collect::<StoreResult<_>>()?,
        busiest: busiest.iter().map(number_row).collect::<StoreResult<_>>()?,
        busiest_extensions: busiest_extensions
            .iter()
            .map(extension_row)
            .collect::<StoreResult<_>>()?,
    })
}

pub(super) fn slot_row(row: &AnyRow) -> StoreResult<CallSlot> {
    Ok(CallSlot {
        start: big(row, "slot")?,
        calls: big(row, "calls")?,
        answered: big(row, "answered")?,
        missed: big(row, "missed")?,
        timed: big(row, "timed")?,
        duration_seconds: big(row, "duration_seconds")?,
        waited: big(row, "waited")?,
        wait_ms: big(row, "wait_ms")?,
        talked: big(row, "talked")?,
        talk_ms: big(row, "talk_ms")?,
    })
}

pub(super) fn extension_row(row: &AnyRow) -> StoreResult<ExtensionCalls> {
    Ok(ExtensionCalls {
        extension_id: parsed(row, "extension_id")?,
        calls: big(row, "calls")?,
        answered: big(row, "answered")?,
    })
}

pub(super) fn number_row(row: &AnyRow) -> StoreResult<NumberCalls> {
    Ok(NumberCalls {
        number: text(row, "our_number")?,
        calls: big(row, "calls")?,
    })
}

impl SqlStore {
    /// Stores `logs` as they are, without traces, in multi-row INSERTs of [`BULK_ROWS`]: call
    /// history in bulk (an import, the history benchmark's million calls) instead of one round
    /// trip per call. A call already stored fails its whole statement.
    pub async fn insert_call_logs_in_bulk(&self, logs: &[CallLog]) -> StoreResult<()> {
        let columns = insert_columns();
        let row = format!("({})", placeholders(columns.split(',').count()));
        for batch in logs.chunks(BULK_ROWS) {
            let sql = AssertSqlSafe(format!(
                "INSERT INTO {TABLE} ({columns}) VALUES {}",
                vec![row.as_str(); batch.len()].join(", ")
            ));
            let mut query = sqlx::query(sql);
            for log in batch {
                query = bind_log(query, log, None, self.trace_retention_ms());
            }
            query.execute(self.pool()).await.map_err(unavailable)?;
        }
        let mut started: std::collections::HashMap<OrgId, Vec<i64>> = Default::default();
        for log in logs {
            started
                .entry(log.organization_id)
                .or_default()
                .push(log.started_at);
        }
        for (org, started) in started {
            call_history_rollups::forget_days(self.pool(), org, started, now_ms()).await?;
        }
        Ok(())
    }

    /// The database's plans for [`CallLogRepo::list_call_logs`] with `filter` (its count and its
    /// page), as `EXPLAIN` prints them: for the history benchmark and for finding missing indexes.
    pub async fn explain_call_log_list(
        &self,
        org: OrgId,
        filter: &CallLogFilter,
        page: PageRequest,
    ) -> StoreResult<Vec<(&'static str, Vec<String>)>> {
        list_query(&conditions(self, org, filter).await?, page)
            .explain(self)
            .await
    }
}

fn list_query(matching: &Matching, page: PageRequest) -> PageQuery<'_> {
    PageQuery {
        table: TABLE,
        columns: COLUMNS,
        conditions: &matching.all,
        order_by: NEWEST_FIRST,
        page,
        count: match &matching.halves {
            Some(halves) => Count::EitherAtMost(LIST_COUNT_BOUND, halves),
            None => Count::AtMost(LIST_COUNT_BOUND),
        },
        ids_first: true,
    }
}

/// `'a', 'b'` for values that come from code, never from requests.
fn quoted<'a>(values: impl Iterator<Item = &'a str>) -> String {
    values
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The WHERE clause of every read of many calls, and under an extension filter its two halves.
struct Matching {
    all: Conditions,
    /// Calls offered to the extensions, and calls placed from their numbers: each an index range
    /// of its own, for counting (see [`Count::EitherAtMost`]).
    halves: Option<[Conditions; 2]>,
}

async fn conditions(store: &SqlStore, org: OrgId, filter: &CallLogFilter) -> StoreResult<Matching> {
    let mut conditions = Conditions::of_org(org);
    conditions.and_some("started_at >= ?", filter.from);
    conditions.and_some("started_at < ?", filter.to);
    conditions.and_some("direction = ?", filter.direction.map(|d| d.as_str()));
    conditions.and_some("status = ?", filter.status.map(|s| s.as_str()));
    conditions.and_some("call_sid = ?", filter.call_sid.as_deref());
    if let Some(number) = &filter.number {
        // The numbers' ends, as ranges of migration 0190's reversed copies.
        let pattern = starts_with_pattern(&number.chars().rev().collect::<String>());
        conditions.and(
            "(from_reversed LIKE ? ESCAPE '!' OR to_reversed LIKE ? ESCAPE '!')",
            [pattern.clone().into(), pattern.into()],
        );
    }
    match filter.extensions.as_deref() {
        None => {}
        Some([]) => conditions.and("1 = 0", []),
        Some(ids) => {
            // `belongs_to`: offered to the extension, or placed from its number. The numbers are
            // read first so that both halves are index ranges the database can merge (a
            // subquery under OR would make it read every call of the organization).
            let list = placeholders(ids.len());
            let ids = || ids.iter().map(|id| Arg::from(id.to_string()));
            let numbers = fetch_where(
                store,
                "SELECT number FROM extensions",
                &{
                    let mut c = Conditions::of_org(org);
                    c.and(format!("id IN ({list})"), ids().collect::<Vec<_>>());
                    c
                },
                "",
            )
            .await?
            .iter()
            .map(|row| text(row, "number").map(Arg::from))
            .collect::<StoreResult<Vec<_>>>()?;
            let offered = format!("extension_id IN ({list})");
            if numbers.is_empty() {
                conditions.and(offered, ids().collect::<Vec<_>>());
            } else {
                let placed = format!(
                    "(direction <> '{inbound}' AND from_number IN ({}))",
                    placeholders(numbers.len()),
                    inbound = CallDirection::Inbound.as_str(),
                );
                let (mut to, mut from) = (conditions.clone(), conditions.clone());
                to.and(offered.clone(), ids().collect::<Vec<_>>());
                from.and(placed.clone(), numbers.clone());
                conditions.and(
                    format!("({offered} OR {placed})"),
                    ids().chain(numbers).collect::<Vec<_>>(),
                );
                return Ok(Matching {
                    all: conditions,
                    halves: Some([to, from]),
                });
            }
        }
    }
    Ok(Matching {
        all: conditions,
        halves: None,
    })
}
