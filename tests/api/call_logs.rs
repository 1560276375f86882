//! api-call-logs: `/api/v1/call-logs` (list, detail, CSV export, statistics).

use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use opbx::app::AppState;
use opbx::domain::call_trace::{RETENTION_MS, TraceEntry, TraceWebhook};
use opbx::domain::destination::{Destination, PathStep};
use opbx::domain::e164::E164;
use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::{CallLogId, CdrId, ExtensionId, OrgId, RingGroupId, UserId};
use opbx::domain::model::{
    CallDirection, CallLog, CallStatus, Cdr, Extension, RingGroup, RingStrategy, Role, Status,
};
use opbx::domain::now_ms;
use opbx::domain::timezone::Timezone;
use opbx::http::api::time::UtcTime;
use opbx::ports::call_logs::CallLogRepo;
use opbx::ports::cdrs::CdrRepo;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::organizations::OrganizationRepo;
use opbx::ports::ring_groups::RingGroupRepo;
use opbx_tests::numbers::unique_e164;
use opbx_tests::{Backend, unique};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::cases::{Access, Case, Ctx, EVERYONE, Prepared, prepare};
use crate::fixtures::{Api, Reply, Tenant};

/// A path of `destinations`, each taken for the reason `step <i>`.
fn steps(destinations: Vec<Destination>) -> Vec<PathStep> {
    destinations
        .into_iter()
        .enumerate()
        .map(|(i, destination)| PathStep {
            destination,
            reason: format!("step {i}"),
        })
        .collect()
}

/// An extension of `org`, linked to `user` when given; numbers never repeat within a run.
pub async fn add_extension(state: &AppState, org: OrgId, user: Option<UserId>) -> Extension {
    static NEXT: AtomicU32 = AtomicU32::new(1000);
    let number = NEXT.fetch_add(1, Ordering::Relaxed).to_string();
    let now = now_ms();
    let ext = Extension {
        id: ExtensionId::new(),
        organization_id: org,
        display_name: format!("Desk {number}"),
        number: ExtensionNumber::parse(&number).unwrap(),
        user_id: user,
        sip_password_enc: "sealed".into(),
        status: Status::Active,
        do_not_disturb: false,
        forward_always: None,
        no_answer_timeout: 20,
        no_answer: None,
        voicemail_enabled: true,
        voicemail_greeting: None,
        voicemail_greeting_recording_id: None,
        voicemail_email: None,
        cloudonix_subscriber_id: None,
        created_at: now,
        updated_at: now,
    };
    state.store.create_extension(&ext, &[]).await.unwrap();
    ext
}

/// An inbound call to a fresh number of `org`, started at `started_at`.
pub(crate) fn call(org: OrgId, started_at: i64) -> CallLog {
    CallLog {
        id: CallLogId::new(),
        organization_id: org,
        call_sid: format!("CA-{}", unique()),
        session_token: Some(format!("session-{}", unique())),
        direction: CallDirection::Inbound,
        from_number: "+12125550100".into(),
        to_number: unique_e164(),
        caller_name: None,
        phone_number_id: None,
        extension_id: None,
        status: CallStatus::Completed,
        path: vec![],
        disposition: Some("ANSWER".into()),
        started_at,
        answered_at: Some(started_at + 4_000),
        ended_at: Some(started_at + 64_000),
        duration_seconds: Some(64),
        billsec: Some(60),
        recording_url: None,
        updated_at: started_at,
    }
}

pub(crate) async fn store_call(state: &AppState, log: &CallLog) {
    state.store.create_call_log(log, None).await.unwrap();
}

/// A call just now, offered to an extension of the row's caller (so a PBX user sees it too);
/// its called number is the row's marker.
async fn callers_call(ctx: &Ctx) -> CallLog {
    let ext = add_extension(&ctx.state, ctx.org(), Some(ctx.user().id)).await;
    let mut log = call(ctx.org(), now_ms());
    log.extension_id = Some(ext.id);
    store_call(&ctx.state, &log).await;
    log
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new("GET", "/api/v1/call-logs", Access::Roles(EVERYONE), |ctx| {
            prepare(async move {
                let log = callers_call(&ctx).await;
                Prepared::at("/api/v1/call-logs").marker(log.to_number)
            })
        }),
        Case::new(
            "GET",
            "/api/v1/call-logs/{id}",
            Access::Roles(EVERYONE),
            |ctx| {
                prepare(async move {
                    let log = callers_call(&ctx).await;
                    Prepared::at(format!("/api/v1/call-logs/{}", log.id)).marker(log.to_number)
                })
            },
        ),
        Case::new(
            "GET",
            "/api/v1/call-logs/export.csv",
            Access::Roles(EVERYONE),
            |ctx| {
                prepare(async move {
                    let log = callers_call(&ctx).await;
                    Prepared::at("/api/v1/call-logs/export.csv").marker(log.to_number)
                })
            },
        ),
        Case::new(
            "GET",
            "/api/v1/call-logs/stats",
            Access::Roles(EVERYONE),
            |ctx| {
                prepare(async move {
                    let log = callers_call(&ctx).await;
                    Prepared::at("/api/v1/call-logs/stats").marker(log.to_number)
                })
            },
        ),
    ]
}

async fn get(api: &Api, token: &str, uri: &str) -> Reply {
    api.call("GET", uri, Some(token), None).await
}

fn field(r: &Reply, name: &str) -> Vec<String> {
    r.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[name].as_str().unwrap_or_default().to_owned())
        .collect()
}

pub(crate) fn utc(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

async fn set_timezone(state: &AppState, t: &Tenant, name: &str) {
    let mut org = t.org.clone();
    org.timezone = Timezone::parse(name).unwrap();
    let audit = opbx_tests::model::setup_audit(org.id, "organization");
    state.store.update_organization(&org, &audit).await.unwrap();
}

async fn lists_filter_in_the_organizations_time_zone_and_sort_and_page(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = t.token(&api.state, Role::Owner).await;
    let desk = add_extension(&api.state, t.org.id, None).await;
    // Around the night London's clocks go forward (29 March 2026, 01:00 UTC).
    let mut early = call(t.org.id, utc("2026-03-28T23:59:00Z"));
    early.caller_name = Some("early".into());
    let mut first = call(t.org.id, utc("2026-03-29T00:00:00Z"));
    first.status = CallStatus::NoAnswer;
    first.duration_seconds = Some(20);
    first.caller_name = Some("first".into());
    let mut placed = call(t.org.id, utc("2026-03-29T12:00:00Z"));
    placed.direction = CallDirection::Outbound;
    placed.from_number = desk.number.to_string();
    placed.to_number = "+15105550123".into();
    placed.duration_seconds = Some(300);
    placed.caller_name = Some("placed".into());
    // 23:30 UTC is already 00:30 on 30 March in London.
    let mut late = call(t.org.id, utc("2026-03-29T23:30:00Z"));
    late.extension_id = Some(desk.id);
    late.duration_seconds = Some(5);
    late.caller_name = Some("late".into());
    for log in [&early, &first, &placed, &late] {
        store_call(&api.state, log).await;
    }
    let names = |query: &str| {
        let (api, owner) = (&api, owner.clone());
        let uri = format!("/api/v1/call-logs{query}");
        async move { field(&get(api, &owner, &uri).await, "caller_name") }
    };
    assert_eq!(names("").await, ["late", "placed", "first", "early"]);
    assert_eq!(
        names("?from=2026-03-29&to=2026-03-29").await,
        ["placed", "first"]
    );
    assert_eq!(names("?from=2026-03-30").await, ["late"]);
    // A local date-time: 13:00 BST is 12:00 UTC.
    assert_eq!(
        names("?from=2026-03-29T13:00&to=2026-03-30T00:30").await,
        ["placed"]
    );
    assert_eq!(names("?to=2026-03-29T00:00:00Z").await, ["early"]);
    // The organization's zone decides what a date means.
    set_timezone(&api.state, &t, "America/New_York").await;
    assert_eq!(
        names("?from=2026-03-28&to=2026-03-28").await,
        ["first", "early"]
    );
    set_timezone(&api.state, &t, "Europe/London").await;

    assert_eq!(names("?direction=outbound").await, ["placed"]);
    assert_eq!(names("?status=no_answer").await, ["first"]);
    // A number is found by its end, with or without the prefix it carries.
    assert_eq!(names("?number=5550123").await, ["placed"]);
    assert_eq!(names("?number=%2B15105550123").await, ["placed"]);
    assert_eq!(names("?number=51055").await, Vec::<String>::new());
    assert_eq!(
        names(&format!("?call_sid={}", first.call_sid)).await,
        ["first"]
    );
    assert_eq!(
        names(&format!("?extension={}", desk.id)).await,
        ["late", "placed"]
    );
    assert_eq!(
        names(&format!("?extension={}", ExtensionId::new())).await,
        Vec::<String>::new()
    );
    assert_eq!(
        names("?sort=duration_seconds").await,
        ["late", "first", "early", "placed"]
    );
    assert_eq!(
        names("?sort=-started_at&per_page=2&page=2").await,
        ["first", "early"]
    );
    let page = get(&api, &owner, "/api/v1/call-logs?per_page=1").await;
    assert_eq!(
        (page.ok()["total"].clone(), page.json["per_page"].clone()),
        (json!(4), json!(1))
    );
    let one = &page.json["data"][0];
    assert_eq!(one["id"], late.id.to_string());
    assert_eq!(one["started_at"], "2026-03-29T23:30:00Z");
    assert_eq!(one["extension_id"], desk.id.to_string());
    assert_eq!(one["direction"], "inbound");
    assert_eq!(one["status"], "completed");
    assert!(one.get("session_token").is_none() && one.get("path").is_none());

    let bad = get(
        &api,
        &owner,
        "/api/v1/call-logs?from=yesterday&direction=sideways&status=lost&extension=101&sort=caller_name&q=x",
    )
    .await;
    let fields: Vec<String> = bad
        .problem(400)
        .field_errors()
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(fields, ["sort", "q"]);
    let bad = get(
        &api,
        &owner,
        "/api/v1/call-logs?from=yesterday&direction=sideways&status=lost&extension=101&number=",
    )
    .await;
    let errors = bad.problem(400).field_errors();
    let fields: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(fields, ["from", "direction", "status", "extension"]);
    assert!(errors[2].1.contains("no_answer"), "{errors:?}");
    let reversed = get(
        &api,
        &owner,
        "/api/v1/call-logs?from=2026-03-30&to=2026-03-29",
    )
    .await;
    assert_eq!(
        reversed.problem(400).field_errors(),
        [("to".into(), "must be later than from".into())]
    );
    get(&api, &owner, "/api/v1/call-logs/not-an-id")
        .await
        .problem(404);
    get(
        &api,
        &owner,
        &format!("/api/v1/call-logs/{}", CallLogId::new()),
    )
    .await
    .problem(404);
}

/// A busy organization's history: the list counts no further than the bound and says so, page
/// after page; a filter that matches few calls has its exact total.
async fn a_long_history_counts_to_ten_thousand_and_says_there_are_more(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = t.token(&api.state, Role::Owner).await;
    let base = utc("2026-05-01T00:00:00Z");
    let calls: Vec<CallLog> = (0..10_030)
        .map(|i| {
            let mut log = call(t.org.id, base + i * 1_000);
            if i % 1_000 == 0 {
                log.status = CallStatus::Busy;
            }
            log
        })
        .collect();
    opbx_tests::history::insert_call_logs(&api.state.store, &calls).await;
    let totals = |query: &str| {
        let (api, owner) = (&api, owner.clone());
        let uri = format!("/api/v1/call-logs{query}");
        async move {
            let r = get(api, &owner, &uri).await;
            let ok = r.ok();
            (
                ok["total"].clone(),
                ok["total_capped"].clone(),
                field(&r, "id").len(),
            )
        }
    };
    assert_eq!(totals("").await, (json!(10_000), json!(true), 25));
    // Past the bound the count reaches the page's end, so there is always a next page to offer.
    assert_eq!(
        totals("?per_page=100&page=100").await,
        (json!(10_000), json!(true), 100)
    );
    assert_eq!(
        totals("?per_page=10&page=1002").await,
        (json!(10_020), json!(true), 10)
    );
    assert_eq!(
        totals("?per_page=10&page=1003").await,
        (json!(10_030), json!(false), 10)
    );
    assert_eq!(totals("?status=busy").await, (json!(11), json!(false), 11));
    let newest = get(&api, &owner, "/api/v1/call-logs?per_page=1").await;
    assert_eq!(newest.ok()["data"][0]["id"], calls[10_029].id.to_string());

    // A short history is counted exactly.
    let small = api.tenant().await;
    let small_owner = small.token(&api.state, Role::Owner).await;
    store_call(&api.state, &call(small.org.id, base)).await;
    let r = get(&api, &small_owner, "/api/v1/call-logs").await;
    assert_eq!(
        (r.ok()["total"].clone(), r.json["total_capped"].clone()),
        (json!(1), json!(false))
    );
}

async fn add_ring_group(state: &AppState, org: OrgId, name: &str) -> RingGroup {
    let now = now_ms();
    let group = RingGroup {
        id: RingGroupId::new(),
        organization_id: org,
        name: name.into(),
        strategy: RingStrategy::Simultaneous,
        member_timeout: 20,
        rounds: 1,
        skip_busy: false,
        fallback: Destination::Hangup,
        status: Status::Active,
        members: vec![],
        created_at: now,
        updated_at: now,
    };
    state.store.create_ring_group(&group, &[]).await.unwrap();
    group
}

async fn the_detail_names_the_path_and_shows_the_cdr(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let sales = add_ring_group(&api.state, t.org.id, "Sales").await;
    let theirs = add_ring_group(&api.state, other.org.id, "Their group").await;
    let user = t.user(Role::PbxUser).clone();
    let desk = add_extension(&api.state, t.org.id, Some(user.id)).await;
    let external = E164::parse("+442079460000").unwrap();
    let mut log = call(t.org.id, now_ms());
    log.extension_id = Some(desk.id);
    log.recording_url = Some("https://recordings.example.com/r.mp3".into());
    log.path = steps(vec![
        Destination::RingGroup { id: sales.id },
        Destination::Extension { id: desk.id },
        // Gone since, or never ours: shown without a name.
        Destination::RingGroup {
            id: RingGroupId::new(),
        },
        Destination::RingGroup { id: theirs.id },
        Destination::Voicemail { id: desk.id },
        Destination::ExternalNumber {
            number: external.clone(),
        },
        Destination::Hangup,
    ]);
    store_call(&api.state, &log).await;
    let owner = t.token(&api.state, Role::Owner).await;
    let uri = format!("/api/v1/call-logs/{}", log.id);

    let detail = get(&api, &owner, &uri).await;
    let d = detail.ok();
    assert_eq!(d["id"], log.id.to_string());
    assert_eq!(d["to_number"], log.to_number);
    assert_eq!(d["recording_url"], "https://recordings.example.com/r.mp3");
    let desk_name = format!("{} Desk {}", desk.number, desk.number);
    assert_eq!(
        d["path"],
        json!([
            {"type": "ring_group", "id": sales.id, "name": "Sales", "reason": "step 0"},
            {"type": "extension", "id": desk.id, "name": desk_name, "reason": "step 1"},
            {"type": "ring_group", "id": log.path[2].destination.reference(), "name": null, "reason": "step 2"},
            {"type": "ring_group", "id": theirs.id, "name": null, "reason": "step 3"},
            {"type": "voicemail", "id": desk.id, "name": desk_name, "reason": "step 4"},
            {"type": "external_number", "number": "+442079460000", "name": "+442079460000", "reason": "step 5"},
            {"type": "hangup", "name": null, "reason": "step 6"},
        ])
    );
    assert!(!detail.text.contains("Their group"));
    assert_eq!(d["cdr"], Value::Null);
    assert!(d.get("session_token").is_none());
    assert_eq!(
        d["trace"],
        json!({"entries": [], "dropped": 0, "kept_until": null}),
        "a call whose requests left no trace"
    );
    let request = TraceEntry::new(
        log.started_at,
        TraceWebhook::Voice,
        2_500,
        [("To".to_owned(), log.to_number.clone())],
        200,
        "<Response><Hangup/></Response>".into(),
    );
    api.state
        .store
        .append_call_trace(t.org.id, log.id, &request.line())
        .await
        .unwrap();

    let cdr = Cdr {
        id: CdrId::new(),
        organization_id: t.org.id,
        session_token: log.session_token.clone().unwrap(),
        call_sid: Some(log.call_sid.clone()),
        from_number: log.from_number.clone(),
        to_number: log.to_number.clone(),
        disposition: "ANSWER".into(),
        duration_seconds: 64,
        billsec: 60,
        started_at: Some(log.started_at),
        answered_at: log.answered_at,
        ended_at: log.ended_at,
        raw: json!({"disposition": "ANSWER", "sell_cost": 0.02, "session": {"token": "abc"}})
            .to_string(),
        received_at: log.started_at + 70_000,
    };
    api.state.store.insert_cdr(&cdr).await.unwrap();
    let with_cdr = get(&api, &owner, &uri).await;
    let c = &with_cdr.ok()["cdr"];
    assert_eq!(c["id"], cdr.id.to_string());
    assert_eq!(
        (c["disposition"].clone(), c["billsec"].clone()),
        (json!("ANSWER"), json!(60))
    );
    assert_eq!(
        c["raw"],
        json!({"disposition": "ANSWER", "sell_cost": 0.02, "session": {"token": "********"}})
    );
    // The PBX user whose extension took the call sees it, without Cloudonix's raw record.
    let own = t.token(&api.state, Role::PbxUser).await;
    let theirs_view = get(&api, &own, &uri).await;
    assert_eq!(theirs_view.ok()["cdr"]["billsec"], 60);
    assert_eq!(theirs_view.json["cdr"]["raw"], Value::Null);
    assert_eq!(theirs_view.json["trace"], Value::Null, "nor the trace");
    let traced = &with_cdr.json["trace"];
    assert_eq!(
        traced["entries"],
        json!([{
            "at": UtcTime(log.started_at),
            "webhook": "voice",
            "elapsed_ms": 2.5,
            "request": {"To": log.to_number},
            "status": 200,
            "response": "<Response><Hangup/></Response>",
            "truncated": false,
        }])
    );
    assert_eq!(
        traced["kept_until"],
        json!(UtcTime(log.started_at + RETENTION_MS))
    );
    // The same CDR session under another organization is not this call's.
    let foreign = other.token(&api.state, Role::Owner).await;
    get(&api, &foreign, &uri).await.problem(404);
}

async fn pbx_users_see_only_their_own_extensions_calls(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let user = t.user(Role::PbxUser).clone();
    let mine = add_extension(&api.state, t.org.id, Some(user.id)).await;
    let second = add_extension(&api.state, t.org.id, Some(user.id)).await;
    let colleague = add_extension(&api.state, t.org.id, None).await;
    let now = now_ms();
    let mut offered = call(t.org.id, now - 3_000);
    offered.extension_id = Some(mine.id);
    let mut placed = call(t.org.id, now - 2_000);
    placed.direction = CallDirection::Outbound;
    placed.from_number = second.number.to_string();
    let mut not_mine = call(t.org.id, now - 1_000);
    not_mine.extension_id = Some(colleague.id);
    for log in [&offered, &placed, &not_mine] {
        store_call(&api.state, log).await;
    }
    let own = t.token(&api.state, Role::PbxUser).await;
    let reporter = t.token(&api.state, Role::Reporter).await;
    let ids = |r: &Reply| field(r, "id");

    let listed = get(&api, &own, "/api/v1/call-logs").await;
    assert_eq!(
        ids(&listed),
        [placed.id.to_string(), offered.id.to_string()]
    );
    let narrowed = get(
        &api,
        &own,
        &format!("/api/v1/call-logs?extension={}", second.id),
    )
    .await;
    assert_eq!(ids(&narrowed), [placed.id.to_string()]);
    // Asking for a colleague's extension lists nothing rather than their calls.
    let peek = get(
        &api,
        &own,
        &format!("/api/v1/call-logs?extension={}", colleague.id),
    )
    .await;
    assert_eq!(peek.ok()["total"], 0);
    get(&api, &own, &format!("/api/v1/call-logs/{}", not_mine.id))
        .await
        .problem(404);
    get(&api, &own, &format!("/api/v1/call-logs/{}", placed.id))
        .await
        .ok();
    let csv = get(&api, &own, "/api/v1/call-logs/export.csv").await;
    assert_eq!(csv.text.lines().count(), 3, "{}", csv.text);
    assert!(!csv.text.contains(&not_mine.id.to_string()));
    let stats = get(&api, &own, "/api/v1/call-logs/stats").await;
    assert_eq!(stats.ok()["calls"], 2);

    // Reporters read every call.
    assert_eq!(
        get(&api, &reporter, "/api/v1/call-logs").await.ok()["total"],
        3
    );
    assert_eq!(
        get(&api, &reporter, "/api/v1/call-logs/stats").await.ok()["calls"],
        3
    );
    // A PBX user without extensions has no calls.
    let lonely = crate::fixtures::add_user(&api.state, &t.org, Role::PbxUser).await;
    let lonely = crate::fixtures::token_for(&api.state, &lonely).await;
    assert_eq!(
        get(&api, &lonely, "/api/v1/call-logs").await.ok()["total"],
        0
    );
}

/// Sends `uri` and returns the status, headers and each data frame of the body as received.
pub(crate) async fn frames(
    api: &Api,
    token: &str,
    uri: &str,
) -> (u16, axum::http::HeaderMap, Vec<String>) {
    let request = Request::get(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = api.app.clone().oneshot(request).await.unwrap();
    let (parts, mut body) = response.into_parts();
    let mut chunks = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            chunks.push(String::from_utf8(data.to_vec()).unwrap());
        }
    }
    (parts.status.as_u16(), parts.headers, chunks)
}

async fn the_export_streams_rfc_4180_csv_with_neutralised_cells(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = t.token(&api.state, Role::Owner).await;
    let sales = add_ring_group(&api.state, t.org.id, "Sales, EMEA").await;
    let desk = add_extension(&api.state, t.org.id, None).await;
    let mut tricky = call(t.org.id, utc("2026-07-10T08:30:00Z"));
    tricky.call_sid = "CA-tricky".into();
    tricky.to_number = "+442079460000".into();
    tricky.caller_name = Some("=HYPERLINK(\"http://evil\",\"Smith, \"\"J\"\"\")\r\nx".into());
    tricky.from_number = "-1".into();
    tricky.extension_id = Some(desk.id);
    tricky.path = steps(vec![
        Destination::RingGroup { id: sales.id },
        Destination::Voicemail { id: desk.id },
        Destination::Hangup,
    ]);
    tricky.recording_url = Some("https://recordings.example.com/secret.mp3".into());
    store_call(&api.state, &tricky).await;
    let mut plain = call(t.org.id, utc("2026-01-10T08:30:00Z"));
    plain.call_sid = "CA-plain".into();
    plain.from_number = "@home".into();
    plain.to_number = "+442079460001".into();
    plain.status = CallStatus::NoAnswer;
    plain.answered_at = None;
    plain.billsec = None;
    plain.disposition = None;
    store_call(&api.state, &plain).await;

    let (status, headers, chunks) = frames(&api, &owner, "/api/v1/call-logs/export.csv").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-type"],
        "text/csv; charset=utf-8; header=present"
    );
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"call-logs-")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    assert_eq!(headers["cache-control"], "no-store");
    let csv = chunks.concat();
    let desk_name = format!("{} Desk {}", desk.number, desk.number);
    let expected = [
        "id,call_sid,started_at_local,started_at_utc,answered_at_utc,ended_at_utc,direction,\
         status,from_number,to_number,caller_name,extension,path,duration_seconds,billsec,\
         disposition,recorded\r\n"
            .to_owned(),
        format!(
            "{},CA-tricky,2026-07-10 09:30:00,2026-07-10T08:30:00Z,2026-07-10T08:30:04Z,\
             2026-07-10T08:31:04Z,inbound,completed,'-1,'+442079460000,\
             \"'=HYPERLINK(\"\"http://evil\"\",\"\"Smith, \"\"\"\"J\"\"\"\"\"\")\r\nx\",\
             {desk_name},\"Ring group Sales, EMEA > Voicemail {desk_name} > Hang up\",64,60,ANSWER,yes\r\n",
            tricky.id
        ),
        format!(
            "{},CA-plain,2026-01-10 08:30:00,2026-01-10T08:30:00Z,,2026-01-10T08:31:04Z,inbound,\
             no_answer,'@home,'+442079460001,,,,64,,,no\r\n",
            plain.id
        ),
    ]
    .concat();
    assert_eq!(csv, expected);
    assert!(!csv.contains("secret.mp3"));

    // The same filters as the list, and nothing else.
    let (_, _, summer) = frames(
        &api,
        &owner,
        "/api/v1/call-logs/export.csv?from=2026-07-01&status=completed",
    )
    .await;
    let summer = summer.concat();
    assert!(summer.contains(&tricky.id.to_string()) && !summer.contains(&plain.id.to_string()));
    let bad = get(
        &api,
        &owner,
        "/api/v1/call-logs/export.csv?page=2&status=x&to=2026-01-01&to=2026-02-01",
    )
    .await;
    let fields: Vec<String> = bad
        .problem(400)
        .field_errors()
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(fields, ["page", "to"]);
    let bad = get(&api, &owner, "/api/v1/call-logs/export.csv?status=x").await;
    assert_eq!(bad.problem(400).field_errors()[0].0, "status");
}

async fn a_long_export_arrives_in_batches_each_call_once_newest_first(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = t.token(&api.state, Role::Owner).await;
    let base = utc("2026-05-01T00:00:00Z");
    for i in 0..1_001 {
        // Pairs share a start time: the order within a second is by id, as in the list.
        store_call(&api.state, &call(t.org.id, base + (i / 2) * 1_000)).await;
    }
    let (status, _, chunks) = frames(&api, &owner, "/api/v1/call-logs/export.csv").await;
    assert_eq!(status, 200);
    // Header with the first 500, the next 500, the last one.
    assert_eq!(chunks.len(), 3, "batches of 500");
    let exported: Vec<String> = chunks
        .concat()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    let listed: Vec<String> = {
        let mut all = Vec::new();
        for page in 1..=11 {
            let r = get(
                &api,
                &owner,
                &format!("/api/v1/call-logs?per_page=100&page={page}"),
            )
            .await;
            all.extend(field(&r, "id"));
        }
        all
    };
    assert_eq!(exported.len(), 1_001);
    assert_eq!(exported, listed);
}

async fn stats_count_per_local_hour_and_day_across_a_dst_change(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = t.token(&api.state, Role::Owner).await;
    let at = |text: &str, status: CallStatus, to: &str, duration: Option<i32>| {
        let mut log = call(t.org.id, utc(text));
        log.status = status;
        log.to_number = to.into();
        log.duration_seconds = duration;
        log
    };
    let main = "+442079460000";
    let sales = "+442079460001";
    let calls = [
        at(
            "2026-03-29T00:10:00Z",
            CallStatus::Completed,
            main,
            Some(60),
        ),
        at("2026-03-29T00:50:00Z", CallStatus::NoAnswer, main, Some(30)),
        // 01:00 UTC is 02:00 BST: the hour 01:00-02:00 never happened in London.
        at("2026-03-29T01:05:00Z", CallStatus::Busy, sales, None),
        at("2026-03-29T12:00:00Z", CallStatus::Ringing, main, None),
        // 00:30 on 30 March, London time.
        at(
            "2026-03-29T23:30:00Z",
            CallStatus::Answered,
            sales,
            Some(15),
        ),
    ];
    for c in &calls {
        store_call(&api.state, c).await;
    }
    let mut outbound = call(t.org.id, utc("2026-03-29T02:00:00Z"));
    outbound.direction = CallDirection::Outbound;
    outbound.from_number = sales.into();
    outbound.to_number = "+15105550123".into();
    outbound.status = CallStatus::Canceled;
    outbound.duration_seconds = None;
    store_call(&api.state, &outbound).await;

    let hourly = get(
        &api,
        &owner,
        "/api/v1/call-logs/stats?bucket=hour&from=2026-03-29&to=2026-03-29",
    )
    .await;
    let h = hourly.ok();
    assert_eq!(h["timezone"], "Europe/London");
    assert_eq!(h["bucket"], "hour");
    assert_eq!(
        (h["from"].clone(), h["to"].clone()),
        (json!("2026-03-29T00:00:00Z"), json!("2026-03-29T23:00:00Z"))
    );
    let buckets = h["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 23);
    assert_eq!(
        buckets[0],
        json!({"start": "2026-03-29T00:00:00Z", "local_start": "2026-03-29T00:00+00:00", "calls": 2, "answered": 1, "missed": 1})
    );
    assert_eq!(
        buckets[1],
        json!({"start": "2026-03-29T01:00:00Z", "local_start": "2026-03-29T02:00+01:00", "calls": 1, "answered": 0, "missed": 1})
    );
    assert_eq!(buckets[2]["local_start"], "2026-03-29T03:00+01:00");
    assert_eq!(buckets[2]["calls"], 1);
    assert_eq!(buckets[12]["local_start"], "2026-03-29T13:00+01:00");
    assert_eq!(buckets[12]["calls"], 1);
    let total: i64 = buckets.iter().map(|b| b["calls"].as_i64().unwrap()).sum();
    assert_eq!(total, 5);
    assert_eq!(
        (
            h["calls"].clone(),
            h["answered"].clone(),
            h["missed"].clone()
        ),
        (json!(5), json!(1), json!(3))
    );
    assert_eq!(h["average_duration_seconds"], 45.0);
    assert_eq!(
        h["busiest_numbers"],
        json!([{"number": main, "calls": 3}, {"number": sales, "calls": 2}])
    );

    let daily = get(
        &api,
        &owner,
        "/api/v1/call-logs/stats?from=2026-03-28&to=2026-03-30",
    )
    .await;
    let d = daily.ok();
    assert_eq!(d["bucket"], "day");
    let per_day: Vec<(String, i64)> = d["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["local_start"].as_str().unwrap().to_owned(),
                b["calls"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        per_day,
        [
            ("2026-03-28T00:00+00:00".to_owned(), 0),
            ("2026-03-29T00:00+00:00".to_owned(), 5),
            ("2026-03-30T00:00+01:00".to_owned(), 1),
        ]
    );
    assert_eq!(d["average_duration_seconds"], 35.0);

    let inbound = get(
        &api,
        &owner,
        &format!(
            "/api/v1/call-logs/stats?from=2026-03-28&to=2026-03-30&direction=inbound&number={}",
            &sales[1..]
        ),
    )
    .await;
    assert_eq!(inbound.ok()["calls"], 2);

    let nothing = get(&api, &owner, "/api/v1/call-logs/stats?bucket=hour").await;
    assert_eq!(nothing.ok()["calls"], 0);
    // Today, hour by hour.
    let hours = nothing.json["buckets"].as_array().unwrap().len();
    assert!((23..=25).contains(&hours), "{hours}");
    assert_eq!(nothing.json["average_duration_seconds"], Value::Null);

    for (query, field) in [
        ("bucket=minute", "bucket"),
        ("bucket=hour&from=2026-01-01&to=2026-03-01", "to"),
        ("from=2025-01-01&to=2026-03-01", "to"),
        ("from=2030-01-01", "from"),
        ("page=1", "page"),
    ] {
        let r = get(&api, &owner, &format!("/api/v1/call-logs/stats?{query}")).await;
        assert_eq!(r.problem(400).field_errors()[0].0, field, "{query}");
    }
}

async fn stats_average_waits_and_talk_and_rank_the_extensions_by_name(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let user = t.user(Role::PbxUser).clone();
    let owner = t.token(&api.state, Role::Owner).await;
    let own = t.token(&api.state, Role::PbxUser).await;
    let mine = add_extension(&api.state, t.org.id, Some(user.id)).await;
    let colleague = add_extension(&api.state, t.org.id, None).await;
    let offered = |ext: &Extension, status: CallStatus, wait_ms: i64, billsec: i32| {
        let mut log = call(t.org.id, utc("2026-03-10T10:00:00Z"));
        log.extension_id = Some(ext.id);
        log.status = status;
        log.answered_at = Some(log.started_at + wait_ms);
        log.billsec = Some(billsec);
        log
    };
    for log in [
        offered(&mine, CallStatus::Completed, 4_000, 60),
        offered(&colleague, CallStatus::Completed, 10_000, 30),
        offered(&colleague, CallStatus::NoAnswer, 0, 0),
    ] {
        store_call(&api.state, &log).await;
    }
    let name = |ext: &Extension| format!("{} {}", ext.number.as_str(), ext.display_name);
    const DAY: &str = "/api/v1/call-logs/stats?bucket=hour&from=2026-03-10&to=2026-03-10";

    let everyone = get(&api, &owner, DAY).await;
    let s = everyone.ok();
    assert_eq!(
        (
            s["average_wait_seconds"].clone(),
            s["average_talk_seconds"].clone()
        ),
        (json!(7.0), json!(45.0))
    );
    assert_eq!(
        s["busiest_extensions"],
        json!([
            {"extension_id": colleague.id, "name": name(&colleague), "calls": 2, "answered": 1},
            {"extension_id": mine.id, "name": name(&mine), "calls": 1, "answered": 1},
        ])
    );

    // A PBX user's figures are their own extensions' calls only.
    let theirs = get(&api, &own, DAY).await;
    let s = theirs.ok();
    assert_eq!(s["calls"], 1);
    assert_eq!(
        (
            s["average_wait_seconds"].clone(),
            s["average_talk_seconds"].clone()
        ),
        (json!(4.0), json!(60.0))
    );
    assert_eq!(
        s["busiest_extensions"],
        json!([{"extension_id": mine.id, "name": name(&mine), "calls": 1, "answered": 1}])
    );

    // Another organization's owner sees none of it.
    let stranger = api.tenant().await;
    let other = stranger.token(&api.state, Role::Owner).await;
    let s = get(&api, &other, DAY).await;
    assert_eq!(s.ok()["busiest_extensions"], json!([]));
    assert_eq!(s.json["average_wait_seconds"], Value::Null);
}

opbx_tests::on_both_backends!(
    lists_filter_in_the_organizations_time_zone_and_sort_and_page,
    a_long_history_counts_to_ten_thousand_and_says_there_are_more,
    the_detail_names_the_path_and_shows_the_cdr,
    pbx_users_see_only_their_own_extensions_calls,
    the_export_streams_rfc_4180_csv_with_neutralised_cells,
    a_long_export_arrives_in_batches_each_call_once_newest_first,
    stats_count_per_local_hour_and_day_across_a_dst_change,
    stats_average_waits_and_talk_and_rank_the_extensions_by_name,
);
