use std::collections::BTreeSet;

use opbx::domain::call_trace::{
    CallTrace, MAX_CALL_BYTES, MAX_RESPONSE_BYTES, RETENTION_MS, TraceEntry, TraceWebhook,
};
use opbx::domain::destination::{Destination, PathStep};
use opbx::domain::ids::{CallLogId, ExtensionId, IvrMenuId, OrgId, PhoneNumberId, ScheduleId};
use opbx::domain::model::{CallDirection, CallLog, CallStatus, Organization};
use opbx::ports::call_logs::{
    CallLogCursor, CallLogFilter, CallLogInsert, CallLogRepo, CallLogUpdate, CallSlot, CallStep,
    ExtensionCalls, NumberCalls, belongs_to,
};
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::store::{PageRequest, StoreError};
use opbx_tests::{Backend, new_org};

const T0: i64 = 1_700_000_000_000;

fn step(destination: Destination) -> PathStep {
    PathStep {
        reason: format!("because of {destination:?}"),
        destination,
    }
}

fn call(org: OrgId, sid: &str, started_at: i64) -> CallLog {
    CallLog {
        id: CallLogId::new(),
        organization_id: org,
        call_sid: sid.into(),
        session_token: Some(format!("session-{sid}")),
        direction: CallDirection::Inbound,
        from_number: "+12125550100".into(),
        to_number: "+442079460000".into(),
        caller_name: Some("Ada Lovelace".into()),
        phone_number_id: Some(PhoneNumberId::new()),
        extension_id: None,
        status: CallStatus::Initiated,
        path: vec![step(Destination::BusinessHours {
            id: ScheduleId::new(),
        })],
        disposition: None,
        started_at,
        answered_at: None,
        ended_at: None,
        duration_seconds: None,
        billsec: None,
        recording_url: None,
        updated_at: started_at,
    }
}

async fn created_call_log_reads_back(b: Backend) {
    let org = new_org(&b.store).await;
    let log = call(org.id, "CA-1", T0);
    assert_eq!(
        b.store.create_call_log(&log, None).await.unwrap(),
        CallLogInsert::Created
    );
    assert_eq!(b.store.find_call_log(org.id, log.id).await.unwrap(), log);
    assert_eq!(
        b.store.find_call_log_by_sid(org.id, "CA-1").await.unwrap(),
        log
    );
}

async fn replayed_create_keeps_one_row(b: Backend) {
    let org = new_org(&b.store).await;
    let first = call(org.id, "CA-1", T0);
    b.store.create_call_log(&first, None).await.unwrap();

    // A retried webhook builds a new log (new id, later time) for the same call.
    let mut replay = call(org.id, "CA-1", T0 + 500);
    replay.status = CallStatus::Ringing;
    assert_eq!(
        b.store.create_call_log(&replay, None).await.unwrap(),
        CallLogInsert::AlreadyExists(Box::new(first.clone()))
    );
    assert!(matches!(
        b.store.find_call_log(org.id, replay.id).await,
        Err(StoreError::NotFound)
    ));
    let all = b
        .store
        .list_call_logs(org.id, &CallLogFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!((all.total, all.items), (1, vec![first]));

    // Call SIDs are unique per organization, not globally.
    let elsewhere = new_org(&b.store).await;
    assert_eq!(
        b.store
            .create_call_log(&call(elsewhere.id, "CA-1", T0), None)
            .await
            .unwrap(),
        CallLogInsert::Created
    );
}

async fn concurrent_creates_of_one_call_store_one_row(b: Backend) {
    let org = new_org(&b.store).await;
    let attempts: Vec<CallLog> = (0..8).map(|i| call(org.id, "CA-race", T0 + i)).collect();
    let handles: Vec<_> = attempts
        .iter()
        .cloned()
        .map(|log| {
            let store = b.store.clone();
            tokio::spawn(async move { store.create_call_log(&log, None).await.unwrap() })
        })
        .collect();
    let mut created = 0;
    for handle in handles {
        if handle.await.unwrap() == CallLogInsert::Created {
            created += 1;
        }
    }
    assert_eq!(created, 1);
    let page = b
        .store
        .list_call_logs(org.id, &CallLogFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.total, 1);
}

async fn update_sets_fields_and_appends_to_the_path(b: Backend) {
    let org = new_org(&b.store).await;
    let mut log = call(org.id, "CA-1", T0);
    b.store.create_call_log(&log, None).await.unwrap();

    let extension = ExtensionId::new();
    let menu = Destination::IvrMenu {
        id: IvrMenuId::new(),
    };
    let ring = Destination::Extension { id: extension };
    let answered = CallLogUpdate {
        status: Some(CallStatus::Answered),
        extension_id: Some(extension),
        answered_at: Some(T0 + 4_000),
        append_path: vec![step(menu.clone()), step(ring.clone())],
        updated_at: T0 + 4_000,
        ..CallLogUpdate::default()
    };
    let after_answer = b
        .store
        .update_call_log(org.id, log.id, &answered)
        .await
        .unwrap();
    log.status = CallStatus::Answered;
    log.extension_id = Some(extension);
    log.answered_at = Some(T0 + 4_000);
    log.path.extend([step(menu), step(ring)]);
    log.updated_at = T0 + 4_000;
    assert_eq!(after_answer, log);

    // Fields left out keep their values; the path only grows.
    let ended = CallLogUpdate {
        status: Some(CallStatus::Completed),
        ended_at: Some(T0 + 64_000),
        duration_seconds: Some(64),
        billsec: Some(60),
        disposition: Some("ANSWER".into()),
        recording_url: Some("https://recordings.example.com/CA-1.mp3".into()),
        append_path: vec![step(Destination::Hangup)],
        updated_at: T0 + 64_000,
        ..CallLogUpdate::default()
    };
    let after_end = b
        .store
        .update_call_log(org.id, log.id, &ended)
        .await
        .unwrap();
    log.status = CallStatus::Completed;
    log.ended_at = Some(T0 + 64_000);
    log.duration_seconds = Some(64);
    log.billsec = Some(60);
    log.disposition = Some("ANSWER".into());
    log.recording_url = Some("https://recordings.example.com/CA-1.mp3".into());
    log.path.push(step(Destination::Hangup));
    log.updated_at = T0 + 64_000;
    assert_eq!(after_end, log);
    assert_eq!(b.store.find_call_log(org.id, log.id).await.unwrap(), log);
}

async fn concurrent_appends_lose_nothing(b: Backend) {
    let org = new_org(&b.store).await;
    let mut log = call(org.id, "CA-1", T0);
    log.path.clear();
    b.store.create_call_log(&log, None).await.unwrap();

    let hops: Vec<Destination> = (0..12)
        .map(|_| Destination::Extension {
            id: ExtensionId::new(),
        })
        .collect();
    let handles: Vec<_> = hops
        .iter()
        .cloned()
        .map(|hop| {
            let store = b.store.clone();
            let update = CallLogUpdate {
                append_path: vec![step(hop)],
                updated_at: T0 + 1,
                ..CallLogUpdate::default()
            };
            tokio::spawn(async move { store.update_call_log(org.id, log.id, &update).await })
        })
        .collect();
    for handle in handles {
        handle.await.unwrap().unwrap();
    }
    let stored = b.store.find_call_log(org.id, log.id).await.unwrap();
    assert_eq!(stored.path.len(), hops.len());
    let expected: BTreeSet<String> = hops.iter().map(|h| format!("{h:?}")).collect();
    let got: BTreeSet<String> = stored
        .path
        .iter()
        .map(|h| format!("{:?}", h.destination))
        .collect();
    assert_eq!(got, expected);
}

async fn other_organizations_cannot_see_or_change_a_call(b: Backend) {
    let org = new_org(&b.store).await;
    let intruder = new_org(&b.store).await;
    let log = call(org.id, "CA-1", T0);
    b.store.create_call_log(&log, None).await.unwrap();

    assert!(matches!(
        b.store.find_call_log(intruder.id, log.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.find_call_log_by_sid(intruder.id, "CA-1").await,
        Err(StoreError::NotFound)
    ));
    let tamper = CallLogUpdate {
        status: Some(CallStatus::Failed),
        append_path: vec![step(Destination::Hangup)],
        updated_at: T0 + 1,
        ..CallLogUpdate::default()
    };
    assert!(matches!(
        b.store.update_call_log(intruder.id, log.id, &tamper).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store
            .update_call_log(org.id, CallLogId::new(), &tamper)
            .await,
        Err(StoreError::NotFound)
    ));
    let theirs = b
        .store
        .list_call_logs(
            intruder.id,
            &CallLogFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(theirs.total, 0);
    assert_eq!(b.store.find_call_log(org.id, log.id).await.unwrap(), log);
}

async fn list_filters_and_pages_newest_first(b: Backend) {
    let org = new_org(&b.store).await;
    let desk = ExtensionId::new();
    let mut inbound = call(org.id, "CA-in", T0);
    inbound.status = CallStatus::Completed;
    let mut outbound = call(org.id, "CA-out", T0 + 1_000);
    outbound.direction = CallDirection::Outbound;
    outbound.from_number = "201".into();
    outbound.to_number = "+15105550123".into();
    outbound.extension_id = Some(desk);
    let mut internal = call(org.id, "CA-int", T0 + 2_000);
    internal.direction = CallDirection::Internal;
    internal.from_number = "202".into();
    internal.to_number = "201".into();
    internal.status = CallStatus::NoAnswer;
    internal.extension_id = Some(desk);
    for log in [&inbound, &outbound, &internal] {
        b.store.create_call_log(log, None).await.unwrap();
    }
    // Noise from another tenant that no filter may return.
    let stranger = new_org(&b.store).await;
    b.store
        .create_call_log(&call(stranger.id, "CA-x", T0 + 1_500), None)
        .await
        .unwrap();

    let list = |filter: CallLogFilter, page: PageRequest| {
        let store = b.store.clone();
        async move {
            let found = store.list_call_logs(org.id, &filter, page).await.unwrap();
            let sids: Vec<String> = found.items.into_iter().map(|l| l.call_sid).collect();
            (found.total, sids)
        }
    };
    let all = PageRequest::default();
    let sids = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    assert_eq!(
        list(CallLogFilter::default(), all).await,
        (3, sids(&["CA-int", "CA-out", "CA-in"]))
    );
    assert_eq!(
        list(CallLogFilter::default(), PageRequest::new(2, 2)).await,
        (3, sids(&["CA-in"]))
    );
    let window = CallLogFilter {
        from: Some(T0 + 1_000),
        to: Some(T0 + 2_000),
        ..CallLogFilter::default()
    };
    assert_eq!(list(window, all).await, (1, sids(&["CA-out"])));
    let direction = CallLogFilter {
        direction: Some(CallDirection::Inbound),
        ..CallLogFilter::default()
    };
    assert_eq!(list(direction, all).await, (1, sids(&["CA-in"])));
    let status = CallLogFilter {
        status: Some(CallStatus::NoAnswer),
        ..CallLogFilter::default()
    };
    assert_eq!(list(status, all).await, (1, sids(&["CA-int"])));
    // "201" is the caller of one call and the callee of another.
    let number = CallLogFilter {
        number: Some("201".into()),
        ..CallLogFilter::default()
    };
    assert_eq!(list(number, all).await, (2, sids(&["CA-int", "CA-out"])));
    let partial = CallLogFilter {
        number: Some("5550123".into()),
        ..CallLogFilter::default()
    };
    assert_eq!(list(partial, all).await, (1, sids(&["CA-out"])));
    // LIKE wildcards typed by a user are literal characters.
    for wildcard in ["_", "%", "!"] {
        let literal = CallLogFilter {
            number: Some(wildcard.into()),
            ..CallLogFilter::default()
        };
        assert_eq!(list(literal, all).await, (0, Vec::new()));
    }
    let extension = CallLogFilter {
        extensions: Some(vec![desk]),
        direction: Some(CallDirection::Internal),
        ..CallLogFilter::default()
    };
    assert_eq!(list(extension, all).await, (1, sids(&["CA-int"])));
    let by_sid = |sid: &str| CallLogFilter {
        call_sid: Some(sid.into()),
        ..CallLogFilter::default()
    };
    assert_eq!(list(by_sid("CA-out"), all).await, (1, sids(&["CA-out"])));
    // Exact, not a search; and another tenant's call is not found by its id.
    assert_eq!(list(by_sid("CA-"), all).await, (0, Vec::new()));
    assert_eq!(list(by_sid("CA-x"), all).await, (0, Vec::new()));
}

async fn an_extensions_calls_are_those_offered_to_it_or_placed_from_it(b: Backend) {
    let org = new_org(&b.store).await;
    let desk = crate::extensions::add_extension(&b.store, org.id, "201").await;
    let other = crate::extensions::add_extension(&b.store, org.id, "202").await;
    let placed = |sid: &str, direction, from: &str, to: &str, offered: Option<ExtensionId>| {
        let mut c = call(org.id, sid, T0);
        c.direction = direction;
        c.from_number = from.into();
        c.to_number = to.into();
        c.extension_id = offered;
        c
    };
    use CallDirection::{Inbound, Internal, Outbound};
    let calls = [
        placed(
            "in-desk",
            Inbound,
            "+12125550100",
            "+442079460000",
            Some(desk.id),
        ),
        // An outside caller whose number happens to read 201 is not the desk calling.
        placed("in-201", Inbound, "201", "+442079460000", None),
        placed("out-desk", Outbound, "201", "+15105550123", None),
        placed("int-to-desk", Internal, "202", "201", Some(desk.id)),
        placed("int-from-desk", Internal, "201", "202", Some(other.id)),
        placed(
            "in-other",
            Inbound,
            "+12125550100",
            "+442079460001",
            Some(other.id),
        ),
    ];
    for c in &calls {
        b.store.create_call_log(c, None).await.unwrap();
    }
    let stranger = new_org(&b.store).await;
    let their_201 = crate::extensions::add_extension(&b.store, stranger.id, "201").await;

    let sids = |extensions: Vec<ExtensionId>| {
        let store = b.store.clone();
        async move {
            let filter = CallLogFilter {
                extensions: Some(extensions),
                ..CallLogFilter::default()
            };
            let page = store
                .list_call_logs(org.id, &filter, PageRequest::new(1, 100))
                .await
                .unwrap();
            let mut sids: Vec<String> = page.items.into_iter().map(|c| c.call_sid).collect();
            sids.sort();
            sids
        }
    };
    let expected = |exts: &[&opbx::domain::model::Extension]| {
        let mut sids: Vec<String> = calls
            .iter()
            .filter(|c| exts.iter().any(|e| belongs_to(c, e)))
            .map(|c| c.call_sid.clone())
            .collect();
        sids.sort();
        sids
    };
    assert_eq!(
        expected(&[&desk]),
        ["in-desk", "int-from-desk", "int-to-desk", "out-desk"]
    );
    assert_eq!(sids(vec![desk.id]).await, expected(&[&desk]));
    assert_eq!(
        expected(&[&other]),
        ["in-other", "int-from-desk", "int-to-desk"]
    );
    assert_eq!(sids(vec![other.id]).await, expected(&[&other]));
    assert_eq!(
        sids(vec![desk.id, other.id]).await,
        expected(&[&desk, &other])
    );
    assert_eq!(sids(vec![]).await, Vec::<String>::new());
    // Another organization's extension 201 placed none of this organization's calls.
    assert_eq!(sids(vec![their_201.id]).await, Vec::<String>::new());
    // A renumbered extension keeps the calls offered to it, not those placed from its old number.
    let mut renumbered = desk.clone();
    renumbered.number = opbx::domain::extension_number::ExtensionNumber::parse("299").unwrap();
    b.store.update_extension(&renumbered, &[]).await.unwrap();
    assert_eq!(sids(vec![desk.id]).await, ["in-desk", "int-to-desk"]);
}

async fn reading_after_a_cursor_visits_every_call_once_newest_first(b: Backend) {
    let org = new_org(&b.store).await;
    // Three calls share a start time: the id breaks the tie, as in the list.
    let starts = [T0, T0 + 1, T0 + 1, T0 + 1, T0 + 2, T0 + 3, T0 + 5];
    for (i, started) in starts.iter().enumerate() {
        b.store
            .create_call_log(&call(org.id, &format!("CA-{i}"), *started), None)
            .await
            .unwrap();
    }
    let mut outbound = call(org.id, "CA-out", T0 + 4);
    outbound.direction = CallDirection::Outbound;
    b.store.create_call_log(&outbound, None).await.unwrap();
    let stranger = new_org(&b.store).await;
    b.store
        .create_call_log(&call(stranger.id, "CA-x", T0 + 2), None)
        .await
        .unwrap();

    let inbound = CallLogFilter {
        direction: Some(CallDirection::Inbound),
        ..CallLogFilter::default()
    };
    let listed: Vec<CallLogId> = b
        .store
        .list_call_logs(org.id, &inbound, PageRequest::new(1, 100))
        .await
        .unwrap()
        .items
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(listed.len(), starts.len());

    let mut read = Vec::new();
    let mut after: Option<CallLogCursor> = None;
    loop {
        let batch = b
            .store
            .call_logs_after(org.id, &inbound, after, 3)
            .await
            .unwrap();
        // A call logged mid-read is newer than the cursor: it is not read, nothing shifts.
        b.store
            .create_call_log(
                &call(org.id, &format!("CA-late-{}", read.len()), T0 + 9),
                None,
            )
            .await
            .unwrap();
        read.extend(batch.iter().map(|c| c.id));
        match batch.last() {
            Some(last) if batch.len() == 3 => after = Some(last.into()),
            _ => break,
        }
    }
    assert_eq!(read, listed);
    assert_eq!(
        b.store
            .call_logs_after(org.id, &inbound, None, 2)
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn stats_count_calls_per_slot_and_name_the_busiest_numbers(b: Backend) {
    let org = new_org(&b.store).await;
    const SLOT: i64 = 900_000;
    let base = T0 - T0 % SLOT;
    let ended = |sid: &str,
                 at: i64,
                 direction: CallDirection,
                 ours: &str,
                 status: CallStatus,
                 duration: Option<i32>| {
        let mut c = call(org.id, sid, at);
        c.direction = direction;
        c.status = status;
        c.duration_seconds = duration;
        match direction {
            CallDirection::Inbound => c.to_number = ours.into(),
            _ => c.from_number = ours.into(),
        }
        c
    };
    use CallDirection::{Inbound, Internal, Outbound};
    use CallStatus::*;
    let calls = [
        ended("a", base, Inbound, "+442079460000", Completed, Some(60)),
        ended(
            "b",
            base + SLOT - 1,
            Inbound,
            "+442079460000",
            NoAnswer,
            Some(20),
        ),
        ended("c", base + SLOT, Outbound, "+442079460001", Answered, None),
        ended(
            "d",
            base + SLOT + 5,
            Outbound,
            "+442079460001",
            Busy,
            Some(0),
        ),
        ended("e", base + 3 * SLOT, Inbound, "+442079460002", Failed, None),
        ended(
            "f",
            base + 3 * SLOT + 1,
            Inbound,
            "+442079460000",
            Canceled,
            None,
        ),
        ended(
            "g",
            base + 3 * SLOT + 2,
            Inbound,
            "+442079460002",
            Ringing,
            None,
        ),
        ended(
            "h",
            base + 3 * SLOT + 3,
            Internal,
            "201",
            Completed,
            Some(100),
        ),
    ];
    for c in &calls {
        b.store.create_call_log(c, None).await.unwrap();
    }
    let stranger = new_org(&b.store).await;
    let mut noise = call(stranger.id, "x", base);
    noise.to_number = "+442079460000".into();
    b.store.create_call_log(&noise, None).await.unwrap();

    let all = b
        .store
        .call_log_stats(org.id, &CallLogFilter::default(), SLOT, 10)
        .await
        .unwrap();
    let slot = |start, calls, answered, missed, timed, duration_seconds| CallSlot {
        start,
        calls,
        answered,
        missed,
        timed,
        duration_seconds,
        ..CallSlot::default()
    };
    assert_eq!(
        all.slots,
        [
            slot(base, 2, 1, 1, 2, 80),
            slot(base + SLOT, 2, 1, 1, 1, 0),
            slot(base + 3 * SLOT, 4, 1, 2, 1, 100),
        ]
    );
    let number = |n: &str, calls| NumberCalls {
        number: n.into(),
        calls,
    };
    // Internal calls are not the organization's numbers; ties go by number.
    assert_eq!(
        all.busiest,
        [
            number("+442079460000", 3),
            number("+442079460001", 2),
            number("+442079460002", 2),
        ]
    );
    let top = b
        .store
        .call_log_stats(org.id, &CallLogFilter::default(), SLOT, 1)
        .await
        .unwrap();
    assert_eq!(top.busiest, [number("+442079460000", 3)]);

    let outbound_hour = CallLogFilter {
        direction: Some(Outbound),
        from: Some(base),
        to: Some(base + 4 * SLOT),
        ..CallLogFilter::default()
    };
    let some = b
        .store
        .call_log_stats(org.id, &outbound_hour, 4 * SLOT, 10)
        .await
        .unwrap();
    assert_eq!(some.slots, [slot(base - base % (4 * SLOT), 2, 1, 1, 1, 0)]);
    assert_eq!(some.busiest, [number("+442079460001", 2)]);

    let empty = b
        .store
        .call_log_stats(stranger.id, &outbound_hour, SLOT, 10)
        .await
        .unwrap();
    assert_eq!((empty.slots, empty.busiest), (vec![], vec![]));
}

/// Waits (start to answer) and talk times (billed seconds, else answer to end) of answered
/// calls only, and the extensions the calls were offered to.
async fn stats_sum_waits_and_talk_times_and_name_the_busiest_extensions(b: Backend) {
    let org = new_org(&b.store).await;
    const SLOT: i64 = 900_000;
    let base = T0 - T0 % SLOT;
    let (desk, sales) = (ExtensionId::new(), ExtensionId::new());
    let offered = |sid: &str,
                   ext: Option<ExtensionId>,
                   status: CallStatus,
                   answer_after: Option<i64>,
                   billsec: Option<i32>,
                   end_after: Option<i64>| {
        let mut c = call(org.id, sid, base + 1_000);
        c.extension_id = ext;
        c.status = status;
        c.answered_at = answer_after.map(|ms| c.started_at + ms);
        c.billsec = billsec;
        c.ended_at = end_after.map(|ms| c.started_at + ms);
        c
    };
    use CallStatus::*;
    let calls = [
        offered(
            "a",
            Some(desk),
            Completed,
            Some(5_000),
            Some(60),
            Some(70_000),
        ),
        // Still talking: its wait is known, its talk time not yet.
        offered("b", Some(desk), Answered, Some(15_000), None, None),
        // Missed: neither waited nor talked, whatever its times say.
        offered(
            "c",
            Some(desk),
            NoAnswer,
            Some(9_000),
            Some(0),
            Some(20_000),
        ),
        // No CDR yet: answer to end.
        offered("d", Some(sales), Completed, Some(1_000), None, Some(31_000)),
        // Answered somewhere without an answer time (an IVR): talk only.
        offered("e", None, Completed, None, Some(10), None),
    ];
    for c in &calls {
        b.store.create_call_log(c, None).await.unwrap();
    }
    let stranger = new_org(&b.store).await;
    let mut noise = call(stranger.id, "x", base);
    noise.extension_id = Some(desk);
    b.store.create_call_log(&noise, None).await.unwrap();

    let all = b
        .store
        .call_log_stats(org.id, &CallLogFilter::default(), SLOT, 10)
        .await
        .unwrap();
    assert_eq!(
        all.slots,
        [CallSlot {
            start: base,
            calls: 5,
            answered: 4,
            missed: 1,
            timed: 0,
            duration_seconds: 0,
            waited: 3,
            wait_ms: 21_000,
            talked: 3,
            talk_ms: 100_000,
        }]
    );
    let ext = |extension_id, calls, answered| ExtensionCalls {
        extension_id,
        calls,
        answered,
    };
    assert_eq!(all.busiest_extensions, [ext(desk, 3, 2), ext(sales, 1, 1)]);
    let top = b
        .store
        .call_log_stats(org.id, &CallLogFilter::default(), SLOT, 1)
        .await
        .unwrap();
    assert_eq!(top.busiest_extensions, [ext(desk, 3, 2)]);

    // A PBX user's filter: only their extension is ranked.
    let own = CallLogFilter {
        extensions: Some(vec![sales]),
        ..CallLogFilter::default()
    };
    let mine = b
        .store
        .call_log_stats(org.id, &own, SLOT, 10)
        .await
        .unwrap();
    assert_eq!(mine.busiest_extensions, [ext(sales, 1, 1)]);
    assert_eq!(
        (
            mine.slots[0].waited,
            mine.slots[0].wait_ms,
            mine.slots[0].talk_ms
        ),
        (1, 1_000, 30_000)
    );

    let none = b
        .store
        .call_log_stats(stranger.id, &own, SLOT, 10)
        .await
        .unwrap();
    assert_eq!(none.busiest_extensions, []);
}

async fn a_new_calls_insert_writes_once_and_reports_an_existing_call(b: Backend) {
    let org = new_org(&b.store).await;
    let first = call(org.id, "CA-new", T0);
    assert!(b.store.insert_call_log(&first, None).await.unwrap());
    let again = call(org.id, "CA-new", T0 + 5);
    assert!(!b.store.insert_call_log(&again, None).await.unwrap());
    let stored = b
        .store
        .find_call_log_by_sid(org.id, "CA-new")
        .await
        .unwrap();
    assert_eq!(stored, first, "the existing row is left as it was");
    // The same CallSid in another organization is another call.
    let stranger = new_org(&b.store).await;
    assert!(
        b.store
            .insert_call_log(&call(stranger.id, "CA-new", T0), None)
            .await
            .unwrap()
    );
}

fn entry(at: i64, webhook: TraceWebhook, response: &str) -> TraceEntry {
    TraceEntry::new(
        at,
        webhook,
        1_500,
        [("CallSid".to_owned(), "CA-1".to_owned())],
        200,
        response.to_owned(),
    )
}

/// A new organization's call, logged with its voice request's trace line (returned too).
async fn call_with_voice_trace(b: &Backend, sid: &str) -> (Organization, CallLog, TraceEntry) {
    let org = new_org(&b.store).await;
    let log = call(org.id, sid, T0);
    let voice = entry(T0, TraceWebhook::Voice, "<Response><Dial/></Response>");
    assert!(
        b.store
            .insert_call_log(&log, Some(&voice.line()))
            .await
            .unwrap()
    );
    (org, log, voice)
}

/// The trace of a call, read while it is kept.
async fn trace_of(b: &Backend, org: OrgId, log: CallLogId) -> CallTrace {
    b.store.find_call_trace(org, log, T0 + 1).await.unwrap()
}

async fn a_trace_keeps_every_request_in_order_up_to_its_cap(b: Backend) {
    let (org, log, voice) = call_with_voice_trace(&b, "CA-1").await;
    // A callback that changes the log carries its line in the update; one that does not
    // appends it alone.
    let dial = entry(
        T0 + 20_000,
        TraceWebhook::Dial,
        "<Response><Record/></Response>",
    );
    let update = CallLogUpdate {
        append_path: vec![step(Destination::Hangup)],
        trace: Some(dial.line()),
        updated_at: T0 + 20_000,
        ..CallLogUpdate::default()
    };
    b.store
        .update_call_log(org.id, log.id, &update)
        .await
        .unwrap();
    let session = entry(T0 + 21_000, TraceWebhook::Session, r#"{"changed":false}"#);
    b.store
        .append_call_trace(org.id, log.id, &session.line())
        .await
        .unwrap();
    let trace = trace_of(&b, org.id, log.id).await;
    assert_eq!(trace.entries, vec![voice.clone(), dial, session]);
    assert_eq!(
        (trace.dropped, trace.kept_until),
        (0, Some(T0 + RETENTION_MS))
    );
    // The log reads as before: the trace is not part of it.
    assert_eq!(
        b.store
            .find_call_log(org.id, log.id)
            .await
            .unwrap()
            .path
            .len(),
        2
    );

    // Up to the cap, then counted: a line that would cross it is dropped whole.
    let big = entry(
        T0 + 22_000,
        TraceWebhook::Cdr,
        &"x".repeat(MAX_RESPONSE_BYTES),
    );
    let fit = (MAX_CALL_BYTES / big.line().bytes()) as usize;
    for _ in 0..fit + 3 {
        b.store
            .append_call_trace(org.id, log.id, &big.line())
            .await
            .unwrap();
    }
    let trace = trace_of(&b, org.id, log.id).await;
    let stored: i64 = trace.entries.iter().map(|e| e.line().bytes()).sum();
    assert!(stored <= MAX_CALL_BYTES, "{stored} bytes kept");
    assert_eq!(trace.entries[0], voice);
    assert_eq!(
        trace.entries.len() + trace.dropped as usize,
        3 + fit + 3,
        "every request is kept or counted"
    );
    assert!(trace.dropped >= 3);
}

async fn traces_expire_and_belong_to_their_organization(b: Backend) {
    let org = new_org(&b.store).await;
    let stranger = new_org(&b.store).await;
    let old = call(org.id, "CA-old", T0);
    let recent = call(org.id, "CA-recent", T0 + RETENTION_MS);
    let theirs = call(stranger.id, "CA-old", T0);
    let line = entry(T0, TraceWebhook::Voice, "<Response/>").line();
    for log in [&old, &recent, &theirs] {
        b.store.insert_call_log(log, Some(&line)).await.unwrap();
    }
    // Another organization neither reads nor writes this one's traces.
    assert!(matches!(
        b.store.find_call_trace(stranger.id, old.id, T0).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.append_call_trace(stranger.id, old.id, &line).await,
        Err(StoreError::NotFound)
    ));
    // Past its retention a trace reads as empty, and pruning forgets it; the call log stays.
    let later = T0 + RETENTION_MS + 1;
    assert_eq!(
        b.store
            .find_call_trace(org.id, old.id, later)
            .await
            .unwrap(),
        CallTrace::default()
    );
    assert_eq!(b.store.prune_call_traces(org.id, later).await.unwrap(), 1);
    assert_eq!(b.store.prune_call_traces(org.id, later).await.unwrap(), 0);
    assert_eq!(
        b.store.find_call_trace(org.id, old.id, T0).await.unwrap(),
        CallTrace::default()
    );
    assert!(b.store.find_call_log(org.id, old.id).await.is_ok());
    assert_eq!(
        b.store
            .find_call_trace(org.id, recent.id, later)
            .await
            .unwrap()
            .entries
            .len(),
        1
    );
    // The other organization's trace of the same age is its own business.
    assert_eq!(
        b.store
            .find_call_trace(stranger.id, theirs.id, T0)
            .await
            .unwrap()
            .entries
            .len(),
        1
    );
    // A call without a trace reads as empty.
    let bare = call(org.id, "CA-bare", T0);
    b.store.insert_call_log(&bare, None).await.unwrap();
    assert_eq!(
        b.store.find_call_trace(org.id, bare.id, T0).await.unwrap(),
        CallTrace::default()
    );
}

async fn paths_logged_before_reasons_read_back_without_them(b: Backend) {
    let org = new_org(&b.store).await;
    let log = call(org.id, "CA-old-path", T0);
    b.store.insert_call_log(&log, None).await.unwrap();
    sqlx::query("UPDATE call_logs SET path = ? WHERE id = ?")
        .bind(r#"[{"type":"hangup"}]"#)
        .bind(log.id.to_string())
        .execute(b.store.pool())
        .await
        .unwrap();
    let read = b.store.find_call_log(org.id, log.id).await.unwrap();
    assert_eq!(
        read.path,
        vec![PathStep {
            destination: Destination::Hangup,
            reason: String::new()
        }]
    );
}

/// A callback's one statement: path appended, extension kept once set, a dial answered only
/// from initiated or ringing, `updated_at` moved only by a change, the trace always; another
/// organization's call is not found.
async fn a_call_step_is_one_write_that_changes_only_what_it_should(b: Backend) {
    let (org, log, voice) = call_with_voice_trace(&b, "CA-step").await;
    let (alice, bob) = (ExtensionId::new(), ExtensionId::new());
    let menu = [step(Destination::IvrMenu {
        id: IvrMenuId::new(),
    })];
    let gather = entry(
        T0 + 5_000,
        TraceWebhook::Gather,
        "<Response><Dial/></Response>",
    );
    let step_of = |dial_answered, extension_id, append_path, trace, at| CallStep {
        dial_answered,
        extension_id,
        append_path,
        trace,
        at,
    };
    let gather_line = gather.line();
    let first = step_of(false, Some(alice), &menu, &gather_line, T0 + 5_000);
    assert!(
        b.store
            .record_call_step(org.id, "CA-step", &first)
            .await
            .unwrap()
    );
    let read = b.store.find_call_log(org.id, log.id).await.unwrap();
    assert_eq!(read.path, [log.path.clone(), menu.to_vec()].concat());
    assert_eq!(
        (read.extension_id, read.status, read.updated_at),
        (Some(alice), CallStatus::Initiated, T0 + 5_000)
    );

    let dial = entry(T0 + 9_000, TraceWebhook::Dial, "<Response/>");
    let dial_line = dial.line();
    let answered = step_of(true, Some(bob), &[], &dial_line, T0 + 9_000);
    assert!(
        b.store
            .record_call_step(org.id, "CA-step", &answered)
            .await
            .unwrap()
    );
    let read = b.store.find_call_log(org.id, log.id).await.unwrap();
    assert_eq!(
        (
            read.status,
            read.answered_at,
            read.extension_id,
            read.updated_at
        ),
        (
            CallStatus::Answered,
            Some(T0 + 9_000),
            Some(alice),
            T0 + 9_000
        )
    );
    assert_eq!(read.path.len(), 2, "nothing appended");

    // A retried dial callback changes nothing but the trace.
    let again = entry(T0 + 12_000, TraceWebhook::Dial, "<Response/>");
    let again_line = again.line();
    let retried = step_of(true, None, &[], &again_line, T0 + 12_000);
    assert!(
        b.store
            .record_call_step(org.id, "CA-step", &retried)
            .await
            .unwrap()
    );
    let read = b.store.find_call_log(org.id, log.id).await.unwrap();
    assert_eq!(
        (read.answered_at, read.updated_at),
        (Some(T0 + 9_000), T0 + 9_000)
    );
    let trace = trace_of(&b, org.id, log.id).await;
    assert_eq!(trace.entries, vec![voice, gather, dial, again]);

    let stranger = new_org(&b.store).await;
    assert!(
        !b.store
            .record_call_step(stranger.id, "CA-step", &retried)
            .await
            .unwrap()
    );
    assert!(
        !b.store
            .record_call_step(org.id, "CA-unknown", &retried)
            .await
            .unwrap()
    );
}

opbx_tests::on_both_backends!(
    a_call_step_is_one_write_that_changes_only_what_it_should,
    a_trace_keeps_every_request_in_order_up_to_its_cap,
    traces_expire_and_belong_to_their_organization,
    paths_logged_before_reasons_read_back_without_them,
    a_new_calls_insert_writes_once_and_reports_an_existing_call,
    an_extensions_calls_are_those_offered_to_it_or_placed_from_it,
    reading_after_a_cursor_visits_every_call_once_newest_first,
    stats_count_calls_per_slot_and_name_the_busiest_numbers,
    stats_sum_waits_and_talk_times_and_name_the_busiest_extensions,
    created_call_log_reads_back,
    replayed_create_keeps_one_row,
    concurrent_creates_of_one_call_store_one_row,
    update_sets_fields_and_appends_to_the_path,
    concurrent_appends_lose_nothing,
    other_organizations_cannot_see_or_change_a_call,
    list_filters_and_pages_newest_first,
);
