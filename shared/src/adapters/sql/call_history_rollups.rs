//! Call statistics over months from per-day sums (migration 0200): a year of a busy
//! organization's daily statistics reads about 35 000 quarter-hour rows and a few thousand
//! per-day ones instead of its 100 000 calls, whose index no longer fits the database's cache
//! once there are a few such organizations.
//!
//! Only whole UTC days that ended at least [`SETTLED_AFTER_MS`] ago are summed, and only when
//! statistics ask for them: the first read of a period builds the missing days, later reads add
//! the sums of those days to what they read from the calls of the rest of the period (its first
//! and last partial days and the days not settled yet). Reads with any filter besides the period
//! (direction, status, number, CallSid, extensions) read the calls alone.
//!
//! Sums never go stale: every write that can change a call of a day that may have been summed
//! drops that day's row of `call_history_days` ([`forget_days`]), and a build marks its days
//! done only if no such write dropped them while it read (the `build` column).
//! [`crate::ports::call_logs::CallLogRepo::record_call_step`] does not forget: routing steps
//! happen during a call, and no call lasts the two days after which its day may be summed.

use std::collections::{BTreeMap, HashMap};

use sqlx::{Any, AssertSqlSafe, Executor, Transaction};

use super::call_logs::{
    PLACED_OR_RECEIVED, extension_row, extension_sums, number_row, our_number, raw_stats, slot_row,
    slot_sums,
};
use super::query::{Conditions, begin_write, fetch_where, placeholders};
use super::{Dialect, SqlStore, big, unavailable};
use crate::domain::ids::{ExtensionId, OrgId};
use crate::ports::call_logs::{CallLogFilter, CallLogStats, CallSlot, ExtensionCalls, NumberCalls};
use crate::ports::store::StoreResult;

const DAY_MS: i64 = 86_400_000;
/// The sums' slot: every time zone's offset is a multiple of it.
const SLOT_MS: i64 = 15 * 60_000;
/// Days are summed once they ended this long ago: late session updates and CDRs have arrived.
const SETTLED_AFTER_MS: i64 = 2 * DAY_MS;
/// A write to a call of a day that ended this long ago forgets the day's sums. Shorter than
/// [`SETTLED_AFTER_MS`], so that the clocks of two instances a little apart cannot let a write
/// slip past a build.
const FORGET_AFTER_MS: i64 = DAY_MS;

fn day_of(ms: i64) -> i64 {
    ms - ms.rem_euclid(DAY_MS)
}

/// A period `[from, to)` and its settled whole days `[first, end)`.
pub(super) struct Summable {
    from: i64,
    to: i64,
    first: i64,
    end: i64,
}

/// The filter's period with its settled whole days, when the filter is a period alone and holds
/// at least one such day.
pub(super) fn summable_days(filter: &CallLogFilter, now: i64) -> Option<Summable> {
    let CallLogFilter {
        from: Some(from),
        to: Some(to),
        direction: None,
        status: None,
        number: None,
        call_sid: None,
        extensions: None,
    } = filter
    else {
        return None;
    };
    let first = day_of(from + DAY_MS - 1);
    let end = day_of(*to).min(day_of(now - SETTLED_AFTER_MS));
    (end > first).then_some(Summable {
        from: *from,
        to: *to,
        first,
        end,
    })
}

/// Drops the sums of the days of calls started at `started` that may have been summed, so that
/// the next read builds them again from the calls as they are now. Nothing to do (and no
/// statement) for calls of recent days, such as every new call.
pub(super) async fn forget_days<'c>(
    executor: impl Executor<'c, Database = Any>,
    org: OrgId,
    started: impl IntoIterator<Item = i64>,
    now: i64,
) -> StoreResult<()> {
    let mut days: Vec<i64> = started
        .into_iter()
        .map(day_of)
        .filter(|day| day + DAY_MS <= now - FORGET_AFTER_MS)
        .collect();
    days.sort_unstable();
    days.dedup();
    if days.is_empty() {
        return Ok(());
    }
    let sql = AssertSqlSafe(format!(
        "DELETE FROM call_history_days WHERE organization_id = ? AND day IN ({})",
        placeholders(days.len())
    ));
    let mut query = sqlx::query(sql).bind(org.to_string());
    for day in days {
        query = query.bind(day);
    }
    query.execute(executor).await.map_err(unavailable)?;
    Ok(())
}

/// The statistics of a period (see [`summable_days`]) with its settled whole days read from
/// their sums, built first where missing. `None` when some of those
/// days could not be summed (a write to their calls came in between): read the calls instead.
pub(super) async fn stats(
    store: &SqlStore,
    org: OrgId,
    Summable {
        from,
        to,
        first,
        end,
    }: Summable,
    slot_ms: i64,
    top: u32,
) -> StoreResult<Option<CallLogStats>> {
    let missing = missing_days(store, org, first, end).await?;
    if let (Some(&earliest), Some(&latest)) = (missing.first(), missing.last()) {
        // A build that fails (two at once may deadlock) or is overtaken costs this read the
        // calls' own statistics, not an error.
        match build(store, org, earliest, latest + DAY_MS).await {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(e) => {
                tracing::warn!(error = %e, "call history sums not built");
                return Ok(None);
            }
        }
    }
    let mut edges = Conditions::of_org(org);
    edges.and(
        "((started_at >= ? AND started_at < ?) OR (started_at >= ? AND started_at < ?))",
        [from.into(), first.into(), end.into(), to.into()],
    );
    let summed = |column: &str| {
        let mut c = Conditions::of_org(org);
        c.and(
            format!("{column} >= ? AND {column} < ?"),
            [first.into(), end.into()],
        );
        c
    };
    let slots = format!(
        "SELECT slot - slot % {slot_ms} AS slot, {} FROM call_history_slots",
        summed_columns(&SLOT_COLUMNS)
    );
    let extensions = format!(
        "SELECT extension_id, {} FROM call_history_extensions",
        summed_columns(&["calls", "answered"])
    );
    let numbers = format!(
        "SELECT number AS our_number, {} FROM call_history_numbers",
        summed_columns(&["calls"])
    );
    let (in_slots, in_days) = (summed("slot"), summed("day"));
    let (rest, slots, extensions, numbers) = tokio::try_join!(
        raw_stats(store, &edges, None, slot_ms, None),
        fetch_where(store, &slots, &in_slots, "GROUP BY 1"),
        fetch_where(store, &extensions, &in_days, "GROUP BY extension_id"),
        fetch_where(store, &numbers, &in_days, "GROUP BY number"),
    )?;

    let mut by_slot: BTreeMap<i64, CallSlot> = BTreeMap::new();
    for slot in slots
        .iter()
        .map(slot_row)
        .chain(rest.slots.into_iter().map(Ok))
    {
        let slot = slot?;
        by_slot
            .entry(slot.start)
            .or_insert(CallSlot {
                start: slot.start,
                ..CallSlot::default()
            })
            .add(&slot);
    }
    let mut by_extension: HashMap<ExtensionId, (i64, i64)> = HashMap::new();
    for e in extensions
        .iter()
        .map(extension_row)
        .chain(rest.busiest_extensions.into_iter().map(Ok))
    {
        let e = e?;
        let sum = by_extension.entry(e.extension_id).or_default();
        sum.0 += e.calls;
        sum.1 += e.answered;
    }
    let mut by_number: HashMap<String, i64> = HashMap::new();
    for n in numbers
        .iter()
        .map(number_row)
        .chain(rest.busiest.into_iter().map(Ok))
    {
        let n = n?;
        *by_number.entry(n.number).or_default() += n.calls;
    }

    // The order the calls' own statistics have: most calls first, ties by id or number.
    let mut busiest_extensions: Vec<ExtensionCalls> = by_extension
        .into_iter()
        .map(|(extension_id, (calls, answered))| ExtensionCalls {
            extension_id,
            calls,
            answered,
        })
        .collect();
    busiest_extensions.sort_by_cached_key(|e| (-e.calls, e.extension_id.to_string()));
    busiest_extensions.truncate(top as usize);
    let mut busiest: Vec<NumberCalls> = by_number
        .into_iter()
        .map(|(number, calls)| NumberCalls { number, calls })
        .collect();
    busiest.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.number.cmp(&b.number)));
    busiest.truncate(top as usize);
    Ok(Some(CallLogStats {
        slots: by_slot.into_values().collect(),
        busiest,
        busiest_extensions,
    }))
}

/// What `call_history_slots` sums per slot, as [`slot_sums`] names it.
const SLOT_COLUMNS: [&str; 9] = [
    "calls",
    "answered",
    "missed",
    "timed",
    "duration_seconds",
    "waited",
    "wait_ms",
    "talked",
    "talk_ms",
];

/// `CAST(SUM(c) AS SIGNED) AS c, …`: MySQL sums integers as DECIMAL, which the Any driver cannot
/// read.
fn summed_columns(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS SIGNED) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The days of `[first, end)` without finished sums, earliest first.
async fn missing_days(store: &SqlStore, org: OrgId, first: i64, end: i64) -> StoreResult<Vec<i64>> {
    let mut done = Conditions::of_org(org);
    done.and(
        "day >= ? AND day < ? AND done = 1",
        [first.into(), end.into()],
    );
    let summed = fetch_where(store, "SELECT day FROM call_history_days", &done, "")
        .await?
        .iter()
        .map(|row| big(row, "day"))
        .collect::<StoreResult<std::collections::HashSet<i64>>>()?;
    Ok((0..(end - first) / DAY_MS)
        .map(|i| first + i * DAY_MS)
        .filter(|day| !summed.contains(day))
        .collect())
}

/// Sums the calls of the days `[first, end)` again. Three steps, so that a write to those calls
/// during the build leaves its days unsummed rather than summed from what the build read before
/// the write: the days are claimed for this build (committed), their sums rewritten from the
/// calls, then marked done where the claim still stands (a write deletes it). Whether every day
/// was marked done.
async fn build(store: &SqlStore, org: OrgId, first: i64, end: i64) -> StoreResult<bool> {
    let id = uuid::Uuid::now_v7().to_string();
    let days: Vec<i64> = (0..(end - first) / DAY_MS)
        .map(|i| first + i * DAY_MS)
        .collect();
    let in_days = |column: &str| format!("organization_id = ? AND {column} >= ? AND {column} < ?");

    let mut tx = begin_write(store).await?;
    let sql = AssertSqlSafe(format!(
        "DELETE FROM call_history_days WHERE {}",
        in_days("day")
    ));
    sqlx::query(sql)
        .bind(org.to_string())
        .bind(first)
        .bind(end)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    let sql = AssertSqlSafe(format!(
        "INSERT INTO call_history_days (organization_id, day, build, done) VALUES {}",
        vec!["(?, ?, ?, 0)"; days.len()].join(", ")
    ));
    let mut claim = sqlx::query(sql);
    for day in &days {
        claim = claim.bind(org.to_string()).bind(*day).bind(id.clone());
    }
    claim.execute(&mut *tx).await.map_err(unavailable)?;
    tx.commit().await.map_err(unavailable)?;

    let calls = "FROM call_logs WHERE organization_id = ? AND started_at >= ? AND started_at < ?";
    let statements = [
        format!("DELETE FROM call_history_slots WHERE {}", in_days("slot")),
        format!(
            "DELETE FROM call_history_extensions WHERE {}",
            in_days("day")
        ),
        format!("DELETE FROM call_history_numbers WHERE {}", in_days("day")),
        format!(
            "INSERT INTO call_history_slots (organization_id, slot, {}) \
             SELECT organization_id, started_at - started_at % {SLOT_MS} AS slot, {} {calls} \
             GROUP BY organization_id, slot",
            SLOT_COLUMNS.join(", "),
            slot_sums()
        ),
        format!(
            "INSERT INTO call_history_extensions (organization_id, day, extension_id, calls, \
             answered) \
             SELECT organization_id, started_at - started_at % {DAY_MS} AS day, {} {calls} \
             AND extension_id IS NOT NULL GROUP BY organization_id, day, extension_id",
            extension_sums()
        ),
        format!(
            "INSERT INTO call_history_numbers (organization_id, day, number, calls) \
             SELECT organization_id, started_at - started_at % {DAY_MS} AS day, {} AS number, \
             COUNT(*) AS calls {calls} AND {PLACED_OR_RECEIVED} \
             GROUP BY organization_id, day, number",
            our_number()
        ),
    ];
    let write = |mut tx: Transaction<'static, Any>| async move {
        for sql in &statements {
            sqlx::query(AssertSqlSafe(sql.as_str()))
                .bind(org.to_string())
                .bind(first)
                .bind(end)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        }
        tx.commit().await.map_err(unavailable)
    };
    match store.dialect() {
        // The calls are read without locking them. Under REPEATABLE READ, InnoDB's INSERT …
        // SELECT locks every call it reads and the gap after the last one, which would hold up
        // a new call's INSERT for the whole build when the organization had no call since the
        // period. A write landing meanwhile deletes its day's claim, so what this build read of
        // that day is never marked done.
        Dialect::MySql => {
            let mut conn = store.pool().acquire().await.map_err(unavailable)?;
            sqlx::raw_sql(AssertSqlSafe(
                "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
            ))
            .execute(&mut *conn)
            .await
            .map_err(unavailable)?;
            write(Transaction::begin(conn, None).await.map_err(unavailable)?).await?;
        }
        Dialect::Sqlite => write(begin_write(store).await?).await?,
    }

    let sql = AssertSqlSafe(format!(
        "UPDATE call_history_days SET done = 1 WHERE {} AND build = ?",
        in_days("day")
    ));
    let marked = sqlx::query(sql)
        .bind(org.to_string())
        .bind(first)
        .bind(end)
        .bind(id)
        .execute(store.pool())
        .await
        .map_err(unavailable)?;
    Ok(marked.rows_affected() == days.len() as u64)
}
