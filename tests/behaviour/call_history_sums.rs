//! Statistics over settled days (migration 0200): read from per-day sums that the first read
//! builds, they must equal the calls' own statistics, and keep equal after any later write to
//! those days' calls.

use std::collections::{BTreeMap, HashMap};

use opbx::domain::ids::{CallLogId, ExtensionId, OrgId};
use opbx::domain::model::{CallDirection, CallLog, CallStatus};
use opbx::domain::now_ms;
use opbx::ports::call_logs::{
    ANSWERED, CallLogFilter, CallLogRepo, CallLogStats, CallLogUpdate, CallSlot, ExtensionCalls,
    MISSED, NumberCalls,
};
use opbx_tests::{Backend, new_org};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// The `i`th of a varied history: every direction and status, calls with and without an
/// extension, answer times, durations and billed seconds.
fn varied_call(org: OrgId, i: i64, started_at: i64, extensions: &[ExtensionId]) -> CallLog {
    use CallStatus::*;
    let status = [
        Completed, NoAnswer, Busy, Answered, Ringing, Canceled, Failed,
    ][i as usize % 7];
    let answered = ANSWERED.contains(&status);
    CallLog {
        id: CallLogId::new(),
        organization_id: org,
        call_sid: format!("CA-sum-{}", opbx_tests::unique()),
        session_token: None,
        direction: [
            CallDirection::Inbound,
            CallDirection::Outbound,
            CallDirection::Internal,
        ][i as usize % 3],
        from_number: format!("+1212555{:04}", i % 5),
        to_number: format!("+44207946{:04}", i % 4),
        caller_name: None,
        phone_number_id: None,
        extension_id: (i % 4 != 0).then(|| extensions[i as usize % extensions.len()]),
        status,
        path: vec![],
        disposition: None,
        started_at,
        answered_at: answered.then_some(started_at + 1_000 * (i % 9)),
        ended_at: (status != Ringing).then_some(started_at + 60_000 + i),
        duration_seconds: (i % 3 != 0).then_some(i as i32),
        billsec: (answered && i % 2 == 0).then_some(i as i32 / 2),
        recording_url: None,
        updated_at: started_at,
    }
}

/// What the statistics of `calls` over `filter`'s period are, computed here from the calls.
fn expected(calls: &[CallLog], filter: &CallLogFilter, slot_ms: i64, top: usize) -> CallLogStats {
    let within = calls
        .iter()
        .filter(|c| filter.from.is_none_or(|f| c.started_at >= f))
        .filter(|c| filter.to.is_none_or(|t| c.started_at < t));
    let mut slots: BTreeMap<i64, CallSlot> = BTreeMap::new();
    let mut extensions: HashMap<ExtensionId, (i64, i64)> = HashMap::new();
    let mut numbers: HashMap<String, i64> = HashMap::new();
    for c in within {
        let start = c.started_at - c.started_at % slot_ms;
        let s = slots.entry(start).or_insert(CallSlot {
            start,
            ..CallSlot::default()
        });
        let answered = ANSWERED.contains(&c.status);
        s.calls += 1;
        s.answered += i64::from(answered);
        s.missed += i64::from(MISSED.contains(&c.status));
        if let Some(d) = c.duration_seconds {
            s.timed += 1;
            s.duration_seconds += i64::from(d);
        }
        if let (true, Some(at)) = (answered, c.answered_at) {
            s.waited += 1;
            s.wait_ms += at - c.started_at;
        }
        let talk = c.billsec.map(|b| i64::from(b) * 1000).or_else(|| {
            c.ended_at
                .zip(c.answered_at)
                .map(|(ended, answered)| ended - answered)
        });
        if let (true, Some(talk)) = (answered, talk) {
            s.talked += 1;
            s.talk_ms += talk;
        }
        if let Some(id) = c.extension_id {
            let e = extensions.entry(id).or_default();
            e.0 += 1;
            e.1 += i64::from(answered);
        }
        match c.direction {
            CallDirection::Inbound => *numbers.entry(c.to_number.clone()).or_default() += 1,
            CallDirection::Outbound => *numbers.entry(c.from_number.clone()).or_default() += 1,
            _ => {}
        }
    }
    let mut busiest_extensions: Vec<ExtensionCalls> = extensions
        .into_iter()
        .map(|(extension_id, (calls, answered))| ExtensionCalls {
            extension_id,
            calls,
            answered,
        })
        .collect();
    busiest_extensions.sort_by_key(|e| (-e.calls, e.extension_id.to_string()));
    busiest_extensions.truncate(top);
    let mut busiest: Vec<NumberCalls> = numbers
        .into_iter()
        .map(|(number, calls)| NumberCalls { number, calls })
        .collect();
    busiest.sort_by_key(|n| (-n.calls, n.number.clone()));
    busiest.truncate(top);
    CallLogStats {
        slots: slots.into_values().collect(),
        busiest,
        busiest_extensions,
    }
}

async fn summed_days(b: &Backend, org: OrgId) -> i64 {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM call_history_days WHERE organization_id = ? AND done = 1",
    )
    .bind(org.to_string())
    .fetch_one(b.store.pool())
    .await
    .unwrap();
    sqlx::Row::get::<i64, _>(&row, "n")
}

async fn stats_of_settled_days_equal_the_calls_and_follow_every_later_write(b: Backend) {
    let (org, stranger) = (new_org(&b.store).await, new_org(&b.store).await);
    let extensions = [ExtensionId::new(), ExtensionId::new(), ExtensionId::new()];
    // A month ago, at a UTC midnight: ten days of calls every 4 h 7 min, all long settled.
    let start = now_ms() - now_ms() % DAY - 30 * DAY;
    let mut calls: Vec<CallLog> = (0..60)
        .map(|i| varied_call(org.id, i, start + i * (4 * HOUR + 7 * 60_000), &extensions))
        .collect();
    for c in &calls {
        b.store.create_call_log(c, None).await.unwrap();
    }
    let theirs: Vec<CallLog> = (0..20)
        .map(|i| varied_call(stranger.id, i, start + i * 11 * HOUR, &extensions))
        .collect();
    for c in &theirs {
        b.store.create_call_log(c, None).await.unwrap();
    }
    // Partial first and last days around eight whole ones; statistics per hour, top 2.
    let period = CallLogFilter {
        from: Some(start + 5 * HOUR),
        to: Some(start + 9 * DAY + 7 * HOUR),
        ..CallLogFilter::default()
    };
    let stats = |org: OrgId| {
        let (store, period) = (&b.store, &period);
        async move { store.call_log_stats(org, period, HOUR, 2).await.unwrap() }
    };

    assert_eq!(stats(org.id).await, expected(&calls, &period, HOUR, 2));
    assert_eq!(summed_days(&b, org.id).await, 8, "the whole settled days");
    // Again, from the sums now; other periods' slots regroup the same quarter hours.
    assert_eq!(stats(org.id).await, expected(&calls, &period, HOUR, 2));
    let days = b
        .store
        .call_log_stats(org.id, &period, DAY, 10)
        .await
        .unwrap();
    assert_eq!(days, expected(&calls, &period, DAY, 10));
    assert_eq!(
        stats(stranger.id).await,
        expected(&theirs, &period, HOUR, 2)
    );

    // A CDR-like update to a call of the fourth day: that day is summed again.
    let late = &mut calls[20];
    let update = CallLogUpdate {
        status: Some(CallStatus::Completed),
        answered_at: Some(late.started_at + 2_000),
        billsec: Some(300),
        updated_at: now_ms(),
        ..CallLogUpdate::default()
    };
    let updated = b
        .store
        .update_call_log(org.id, late.id, &update)
        .await
        .unwrap();
    *late = updated;
    assert_eq!(
        summed_days(&b, org.id).await,
        7,
        "the updated call's day forgotten"
    );
    assert_eq!(stats(org.id).await, expected(&calls, &period, HOUR, 2));
    assert_eq!(summed_days(&b, org.id).await, 8);

    // Calls logged late into summed days, each way a call log is written.
    let created = varied_call(org.id, 100, start + 5 * DAY + HOUR, &extensions);
    b.store.create_call_log(&created, None).await.unwrap();
    let inserted = varied_call(org.id, 101, start + 6 * DAY + HOUR, &extensions);
    assert!(b.store.insert_call_log(&inserted, None).await.unwrap());
    let imported = varied_call(org.id, 102, start + 7 * DAY + HOUR, &extensions);
    b.store
        .insert_call_logs_in_bulk(std::slice::from_ref(&imported))
        .await
        .unwrap();
    calls.extend([created, inserted, imported]);
    assert_eq!(summed_days(&b, org.id).await, 5);
    assert_eq!(stats(org.id).await, expected(&calls, &period, HOUR, 2));
    assert_eq!(
        stats(stranger.id).await,
        expected(&theirs, &period, HOUR, 2)
    );
}

/// A write that lands while a build reads leaves its day unsummed, never summed stale: the build
/// marks done only the days whose claim no write deleted.
async fn a_day_written_during_its_build_is_not_marked_done(b: Backend) {
    let org = new_org(&b.store).await;
    let extensions = [ExtensionId::new()];
    let start = now_ms() - now_ms() % DAY - 20 * DAY;
    let mut calls: Vec<CallLog> = (0..12)
        .map(|i| varied_call(org.id, i, start + i * 5 * HOUR, &extensions))
        .collect();
    for c in &calls {
        b.store.create_call_log(c, None).await.unwrap();
    }
    let period = CallLogFilter {
        from: Some(start),
        to: Some(start + 3 * DAY),
        ..CallLogFilter::default()
    };
    // Another instance's build claimed the days and read the calls before this write…
    sqlx::query(
        "INSERT INTO call_history_days (organization_id, day, build, done) VALUES (?, ?, 'other', 0)",
    )
    .bind(org.id.to_string())
    .bind(start + DAY)
    .execute(b.store.pool())
    .await
    .unwrap();
    let update = CallLogUpdate {
        status: Some(CallStatus::Busy),
        updated_at: now_ms(),
        ..CallLogUpdate::default()
    };
    calls[6] = b
        .store
        .update_call_log(org.id, calls[6].id, &update)
        .await
        .unwrap();
    // …so its mark finds no claim to finish.
    let marked = sqlx::query(
        "UPDATE call_history_days SET done = 1 WHERE organization_id = ? AND build = 'other'",
    )
    .bind(org.id.to_string())
    .execute(b.store.pool())
    .await
    .unwrap();
    assert_eq!(marked.rows_affected(), 0);
    assert_eq!(
        b.store
            .call_log_stats(org.id, &period, HOUR, 5)
            .await
            .unwrap(),
        expected(&calls, &period, HOUR, 5)
    );
    assert_eq!(summed_days(&b, org.id).await, 3);
}

opbx_tests::on_both_backends!(
    stats_of_settled_days_equal_the_calls_and_follow_every_later_write,
    a_day_written_during_its_build_is_not_marked_done,
);
