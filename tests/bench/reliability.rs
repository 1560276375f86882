//! Reliability under load and store faults (issue 16, README "Reliability"). Not a test: it
//! prints one line per scenario and a last line
//! `reliability: <S> scenarios, <Q> requests, <A> non-CXML answers, <L> lost call logs, <D> duplicate rows`.
//!
//! It seeds a MariaDB database of its own, creates DynamoDB tables on the AWS emulator (moto),
//! and starts `opbx-local` on MariaDB + Redis + DynamoDB with a [`FaultProxy`] in front of each
//! (the shared servers are never stopped), then drives it over loopback HTTP like Cloudonix:
//! replay storm, one call with many events, round robin under load, Redis taken away for 10 s
//! mid-load, MariaDB stopped and then paused mid-load, the AWS emulator taken away. Lost call logs and
//! duplicate rows are counted from the database itself.
//!
//! Run it with `bash scripts/reliability.sh` (services, build and a time bound).
//! Environment: OPBX_TEST_DATABASE_URL, OPBX_TEST_REDIS_URL, the AWS variables of scripts/moto.sh,
//! OPBX_RELIABILITY_PORT (where opbx-local listens; default a free port), OPBX_LOCAL_BIN (another
//! opbx-local than the one of this build, to compare).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use opbx::adapters::sql::SqlStore;
use opbx::domain::destination::Destination;
use opbx::domain::ids::*;
use opbx::domain::model::*;
use opbx::domain::now_ms;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::ivr_menus::IvrMenuRepo;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::ring_groups::RingGroupRepo;
use opbx_tests::fault_proxy::{FaultProxy, Mode, upstream};
use opbx_tests::load::{Pool, Reply, Stats};
use opbx_tests::local::LocalProcess;
use opbx_tests::realtime::RealtimeOrg;
use serde_json::{Value, json};

const VOICE: &str = "/webhooks/cloudonix/voice";
const SESSION: &str = "/webhooks/cloudonix/session";
const IN_FLIGHT: usize = 50;
/// Numbers of the seeded organization.
const TO_EXTENSION: &str = "+12125550101";
const TO_SEQUENTIAL: &str = "+12125550110";
const TO_ROUND_ROBIN: &str = "+12125550112";
const TO_MENU: &str = "+12125550130";
/// Cloudonix's patience is 5–15 s; the outage budget of a voice answer is far below it.
const OUTAGE_BUDGET_MS: f64 = 50.0;
/// New calls a second during the outage scenarios (each fifth retried): a busy PBX's peak many
/// times over, below what one debug instance answers on this machine kind, so what is measured
/// is the outage's cost, not the generator's queue.
const OUTAGE_RATE: u32 = 100;

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let db_url = opbx_tests::empty_mysql_database().await;
    let store = SqlStore::connect(&db_url, 4).await.expect("MariaDB");
    store.migrate().await.expect("migrations");
    let org = RealtimeOrg::create(&store).await;
    seed(&store, org.org.id).await;
    let (_, live_table, connections_table) = opbx_tests::realtime::moto_tables().await;

    let redis_url = opbx_tests::test_redis_url();
    let moto_url = opbx_tests::realtime::moto_endpoint();
    // The proxies get a thread of their own, so the load this process generates does not
    // delay the stores' answers.
    let proxies = Box::leak(Box::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap(),
    ));
    let start = |url: &str, port| {
        let addr = upstream(url, port);
        std::thread::scope(|s| {
            s.spawn(|| proxies.block_on(FaultProxy::start(addr)))
                .join()
                .unwrap()
        })
    };
    let redis = start(&redis_url, 6379);
    let mariadb = start(&db_url, 3306);
    let moto = start(&moto_url, 80);

    let dir = opbx_tests::local::temp_dir();
    let bin = opbx_tests::local::binary();
    let key = opbx::crypto::SecretBox::generate_key();
    let listen = format!(
        "127.0.0.1:{}",
        std::env::var("OPBX_RELIABILITY_PORT").unwrap_or_else(|_| "0".into())
    );
    let (db_via, redis_via, moto_via) = (
        mariadb.url_for(&db_url),
        redis.url_for(&redis_url),
        moto.url_for(&moto_url),
    );
    let aws_env: Vec<(String, String)> =
        ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"]
            .iter()
            .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
            .collect();
    let mut env: Vec<(&str, &str)> = vec![
        ("OPBX_LISTEN", listen.as_str()),
        ("OPBX_DATABASE_URL", db_via.as_str()),
        ("OPBX_REDIS_URL", redis_via.as_str()),
        ("OPBX_ENCRYPTION_KEY", key.as_str()),
        ("OPBX_LIVE_CALLS_TABLE", live_table.as_str()),
        ("OPBX_CONNECTIONS_TABLE", connections_table.as_str()),
        ("AWS_ENDPOINT_URL_DYNAMODB", moto_via.as_str()),
        // The scenarios send thousands of new calls a minute to one organization on purpose.
        ("OPBX_VOICE_RATE_LIMIT", "10000000"),
        (
            "RUST_LOG",
            "warn,opbx_local=info,opbx::adapters::breaker=info",
        ),
    ];
    env.extend(aws_env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let server = LocalProcess::start_binary(&bin, &dir, &env).await;
    println!(
        "{} on MariaDB + Redis + DynamoDB (moto), each behind a fault proxy, \
         at http://{}; seeded in {:.1}s",
        bin.display(),
        server.addr(),
        started.elapsed().as_secs_f64()
    );

    let pbx = Pbx {
        pool: Pool::connect(server.addr(), IN_FLIGHT).await,
        org,
        db: store,
        requests: AtomicU64::default(),
        non_cxml: AtomicU64::default(),
        lost: AtomicU64::default(),
        duplicates: AtomicU64::default(),
    };
    let scenarios = [
        replay_storm(&pbx).await,
        one_call_many_events(&pbx).await,
        round_robin_under_load(&pbx).await,
        redis_outage(&pbx, &redis).await,
        mariadb_outage(&pbx, &mariadb).await,
        aws_emulator_outage(&pbx, &moto).await,
    ];
    pbx.count_duplicates().await;
    let mut server = server;
    let log = server.output();
    // The whole log, for reading what a failing scenario did.
    if let Ok(path) = std::env::var("OPBX_RELIABILITY_LOG") {
        std::fs::write(&path, log).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let lines = |needle: &str| log.lines().filter(|l| l.contains(needle)).count();
    let opened = |store: &str| {
        log.lines()
            .filter(|l| l.contains("store down") && l.contains(store))
            .count()
    };
    println!(
        "opbx-local's log: a breaker opened {} times (redis {}, database {}), closed {} times; \
         {} DynamoDB requests failed; {} writes finished after the webhook's deadline, {} of them failed",
        lines("store down"),
        opened("redis"),
        opened("database"),
        lines("store back"),
        lines("DynamoDB request failed"),
        lines("missed the webhook's deadline"),
        lines("missed the webhook's deadline failed"),
    );
    println!(
        "total time {:.0}s; scenarios failing their own checks: {}",
        started.elapsed().as_secs_f64(),
        scenarios.iter().filter(|ok| !**ok).count()
    );
    println!(
        "reliability: {} scenarios, {} requests, {} non-CXML answers, {} lost call logs, {} duplicate rows",
        scenarios.len(),
        pbx.requests.load(Ordering::Relaxed),
        pbx.non_cxml.load(Ordering::Relaxed),
        pbx.lost.load(Ordering::Relaxed),
        pbx.duplicates.load(Ordering::Relaxed),
    );
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

struct Pbx {
    pool: Pool,
    org: RealtimeOrg,
    /// The database itself, not through the proxy: what was really written.
    db: SqlStore,
    requests: AtomicU64,
    non_cxml: AtomicU64,
    lost: AtomicU64,
    duplicates: AtomicU64,
}

/// One request Cloudonix would send: where, with which bearer, what.
#[derive(Clone)]
struct Request {
    path: String,
    bearer: Option<String>,
    body: String,
    /// Voice, gather and dial answer CXML; session updates and CDRs answer JSON.
    cxml: bool,
}

impl Pbx {
    async fn send(&self, r: &Request) -> Reply {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let reply = self.pool.post(&r.path, r.bearer.as_deref(), &r.body).await;
        if r.cxml && !reply.is_cxml() {
            self.non_cxml.fetch_add(1, Ordering::Relaxed);
            eprintln!(
                "non-CXML answer to {}: {} {}",
                r.path, reply.status, reply.body
            );
        }
        reply
    }

    /// Sends every request, `in_flight` at a time; the replies in the same order.
    async fn send_all(&self, requests: &[Request], in_flight: usize) -> Vec<Reply> {
        let mut out: Vec<(usize, Reply)> = futures_util::stream::iter(requests.iter().enumerate())
            .map(|(i, r)| async move { (i, self.send(r).await) })
            .buffer_unordered(in_flight)
            .collect()
            .await;
        out.sort_by_key(|(i, _)| *i);
        out.into_iter().map(|(_, r)| r).collect()
    }

    /// A session update or CDR delivered until it is applied, as Cloudonix redelivers on a 5xx.
    async fn deliver(&self, r: &Request) -> bool {
        for _ in 0..20 {
            if self.send(r).await.status == 200 {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        false
    }

    fn voice(&self, sid: &str, to: &str) -> Request {
        Request {
            path: VOICE.into(),
            bearer: Some(self.org.webhook_key.clone()),
            body: json!({
                "CallSid": sid, "Session": session_of(sid), "From": "+14155550000", "To": to,
                "Direction": "inbound", "CallStatus": "in-progress",
            })
            .to_string(),
            cxml: true,
        }
    }

    /// The callback the answer `doc` asks for (its `<Gather>` or `<Dial>` action), if any.
    fn callback(&self, voice: &Request, doc: &opbx::cxml::Element) -> Option<Request> {
        let mut body: Value = serde_json::from_str(&voice.body).unwrap();
        let (verb, extra) = if doc.child("Gather").is_some() {
            ("Gather", json!({"Digits": "1"}))
        } else if doc.child("Dial").is_some() {
            ("Dial", json!({"DialCallStatus": "no-answer"}))
        } else {
            return None;
        };
        let action = doc.child(verb)?.attr("action")?.to_owned();
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        Some(Request {
            path: path_of(&action),
            bearer: voice.bearer.clone(),
            body: body.to_string(),
            cxml: true,
        })
    }

    fn session(&self, sid: &str, status: &str) -> Request {
        Request {
            path: SESSION.into(),
            bearer: Some(self.org.webhook_key.clone()),
            body: self
                .org
                .session_update(&session_of(sid), status)
                .to_string(),
            cxml: false,
        }
    }

    fn cdr(&self, sid: &str) -> Request {
        let mut cdr = self.org.cdr(&session_of(sid), "ANSWER");
        cdr["call_id"] = json!(sid);
        Request {
            path: self.org.cdr_path(),
            bearer: None,
            body: cdr.to_string(),
            cxml: false,
        }
    }

    /// Call-log rows of each call (by its session token: a log the CDR had to create carries
    /// the token as its CallSid), from the database.
    async fn call_log_rows(&self, sids: &[String]) -> HashMap<String, i64> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT session_token, COUNT(*) FROM call_logs WHERE organization_id = ? GROUP BY session_token",
        )
        .bind(self.org.org.id.to_string())
        .fetch_all(self.db.pool())
        .await
        .unwrap();
        let all: HashMap<String, i64> = rows.into_iter().collect();
        sids.iter()
            .map(|s| (s.clone(), all.get(&session_of(s)).copied().unwrap_or(0)))
            .collect()
    }

    /// Counts the calls without a call log (lost) among `sids`; prints and returns them.
    async fn lost_of(&self, sids: &[String]) -> u64 {
        let rows = self.call_log_rows(sids).await;
        let lost = rows.values().filter(|n| **n == 0).count() as u64;
        self.lost.fetch_add(lost, Ordering::Relaxed);
        lost
    }

    /// Rows sharing what the model says is one thing (a call's log, a session's CDR, a call's
    /// voicemail), anywhere in the organization, counted once at the end.
    async fn count_duplicates(&self) {
        let org = self.org.org.id.to_string();
        let mut duplicates = 0;
        for sql in [
            "SELECT CAST(COALESCE(SUM(n - 1), 0) AS SIGNED) FROM (SELECT COUNT(*) AS n FROM call_logs WHERE organization_id = ? GROUP BY call_sid) t",
            "SELECT CAST(COALESCE(SUM(n - 1), 0) AS SIGNED) FROM (SELECT COUNT(*) AS n FROM call_logs WHERE organization_id = ? GROUP BY session_token) t",
            "SELECT CAST(COALESCE(SUM(n - 1), 0) AS SIGNED) FROM (SELECT COUNT(*) AS n FROM cdrs WHERE organization_id = ? GROUP BY session_token) t",
            "SELECT CAST(COALESCE(SUM(n - 1), 0) AS SIGNED) FROM (SELECT COUNT(*) AS n FROM voicemail_messages WHERE organization_id = ? GROUP BY call_sid, extension_id) t",
        ] {
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(&org)
                .fetch_one(self.db.pool())
                .await
                .expect("count duplicate rows");
            duplicates += n;
        }
        self.duplicates.store(duplicates as u64, Ordering::Relaxed);
        println!(
            "duplicate rows (call logs by CallSid and by session, CDRs by session, voicemail by call and box): {duplicates}"
        );
    }
}

fn session_of(sid: &str) -> String {
    format!("s-{sid}")
}

fn new_sid(tag: &str) -> String {
    format!("{tag}-{}", opbx_tests::unique())
}

/// The path of an absolute callback URL (opbx-local names its public URL in actions).
fn path_of(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/".into(), |i| rest[i..].to_owned()),
        None => url.to_owned(),
    }
}

/// A fixed shuffle (a linear congruential generator), so a run can be replayed.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    for i in (1..items.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        items.swap(i, (state >> 33) as usize % (i + 1));
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "FAILED" }
}

/// 10 000 deliveries of 1 000 distinct requests (250 calls × voice, gather or dial callback,
/// session update, CDR), each delivered 10 times, shuffled, 50 at a time.
async fn replay_storm(pbx: &Pbx) -> bool {
    let started = Instant::now();
    let numbers = [TO_EXTENSION, TO_SEQUENTIAL, TO_ROUND_ROBIN, TO_MENU];
    let sids: Vec<String> = (0..250).map(|_| new_sid("storm")).collect();
    let voices: Vec<Request> = sids
        .iter()
        .enumerate()
        .map(|(i, s)| pbx.voice(s, numbers[i % numbers.len()]))
        .collect();
    // The first delivery of each call, to learn the callbacks its answer asks for.
    let first = pbx.send_all(&voices, IN_FLIGHT).await;
    let mut distinct: Vec<Request> = voices.clone();
    let mut expected: Vec<Option<String>> = first
        .iter()
        .map(|r| r.is_cxml().then(|| r.body.clone()))
        .collect();
    for ((sid, voice), reply) in sids.iter().zip(&voices).zip(&first) {
        let callback = opbx::cxml::parse(&reply.body)
            .ok()
            .and_then(|doc| pbx.callback(voice, &doc))
            .unwrap_or_else(|| voice.clone());
        distinct.push(callback);
        expected.push(None);
        distinct.push(pbx.session(sid, "answered"));
        expected.push(None);
        distinct.push(pbx.cdr(sid));
        expected.push(None);
    }
    let mut deliveries: Vec<usize> = (0..distinct.len())
        .flat_map(|i| std::iter::repeat_n(i, if i < voices.len() { 9 } else { 10 }))
        .collect();
    shuffle(&mut deliveries, 0x2545_f491_4f6c_dd1d);
    let requests: Vec<Request> = deliveries.iter().map(|i| distinct[*i].clone()).collect();
    let replies = pbx.send_all(&requests, IN_FLIGHT).await;
    let mut answers: HashMap<usize, Vec<&Reply>> = HashMap::new();
    for (i, reply) in deliveries.iter().zip(&replies) {
        answers.entry(*i).or_default().push(reply);
    }
    let mut differing = 0;
    let mut refused = 0;
    for (i, replies) in &answers {
        if distinct[*i].cxml {
            let reference = expected[*i]
                .clone()
                .unwrap_or_else(|| replies[0].body.clone());
            if replies.iter().any(|r| r.body != reference) {
                differing += 1;
            }
        } else if replies.iter().any(|r| r.status != 200) {
            refused += 1;
        }
    }
    let lost = pbx.lost_of(&sids).await;
    let ok = differing == 0 && refused == 0 && lost == 0;
    println!(
        "replay storm: {} deliveries of {} distinct requests ({} calls: voice, gather/dial, session, CDR), \
         {IN_FLIGHT} in flight, {:.1}s: {differing} CXML requests answered differently, \
         {refused} session/CDR deliveries refused, {lost} call logs lost [{}]",
        voices.len() + requests.len(),
        distinct.len(),
        sids.len(),
        started.elapsed().as_secs_f64(),
        verdict(ok)
    );
    ok
}

/// 100 concurrent session updates and dial callbacks for one call, in random order, then its
/// CDR: the call log and the live call must agree at every step.
async fn one_call_many_events(pbx: &Pbx) -> bool {
    let sid = new_sid("busy");
    let voice = pbx.voice(&sid, TO_SEQUENTIAL);
    let answer = pbx.send(&voice).await;
    let dial = opbx::cxml::parse(&answer.body)
        .ok()
        .and_then(|doc| pbx.callback(&voice, &doc));
    let mut events: Vec<Request> = (0..90)
        .map(|i| pbx.session(&sid, ["ringing", "answered", "ringing"][i % 3]))
        .collect();
    if let Some(dial) = &dial {
        events.extend(std::iter::repeat_n(dial.clone(), 10));
    }
    shuffle(&mut events, 0x9e37_79b9_7f4a_7c15);
    let replies = pbx.send_all(&events, events.len()).await;
    let refused = replies.iter().filter(|r| r.status != 200).count();
    let dial_answers: Vec<&str> = events
        .iter()
        .zip(&replies)
        .filter(|(e, _)| e.cxml)
        .map(|(_, r)| r.body.as_str())
        .collect();
    let dial_identical = dial_answers.windows(2).all(|w| w[0] == w[1]);
    let during = (pbx.logged_status(&sid).await, pbx.live_status(&sid).await);
    let ended = pbx.deliver(&pbx.cdr(&sid)).await;
    let after = (pbx.logged_status(&sid).await, pbx.live_status(&sid).await);
    let lost = pbx.lost_of(std::slice::from_ref(&sid)).await;
    let ok = refused == 0
        && dial_identical
        && ended
        && during == (Some("answered".into()), Some("answered".into()))
        && after.0.as_deref() == Some("completed")
        && after.1.as_deref().is_none_or(|s| s == "completed")
        && lost == 0;
    println!(
        "one call, many events: {} concurrent events ({} session updates, {} dial callbacks) in random order: \
         {refused} refused, dial answers identical: {dial_identical}; call log / live call {:?} / {:?}, \
         after the CDR {:?} / {:?} [{}]",
        events.len(),
        events.iter().filter(|e| !e.cxml).count(),
        events.iter().filter(|e| e.cxml).count(),
        during.0,
        during.1,
        after.0,
        after.1.unwrap_or_else(|| "gone".into()),
        verdict(ok)
    );
    ok
}

impl Pbx {
    async fn logged_status(&self, sid: &str) -> Option<String> {
        sqlx::query_scalar(
            "SELECT status FROM call_logs WHERE organization_id = ? AND call_sid = ?",
        )
        .bind(self.org.org.id.to_string())
        .bind(sid)
        .fetch_optional(self.db.pool())
        .await
        .unwrap()
    }

    /// The call's status in the live view, as the API shows it.
    /// The call's status in the live view, as the admin screen reads it. The screen reads again
    /// after a refusal (the view's store stalling a moment: the AWS emulator under load), and so
    /// does this, for up to 5 s.
    async fn live_status(&self, sid: &str) -> Option<String> {
        let mut reply = self
            .pool
            .get("/api/v1/live-calls", &self.org.api_token)
            .await;
        for _ in 0..25 {
            if reply.status == 200 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            reply = self
                .pool
                .get("/api/v1/live-calls", &self.org.api_token)
                .await;
        }
        let list: Value = serde_json::from_str(&reply.body).ok()?;
        list["data"]
            .as_array()?
            .iter()
            .find(|c| c["call_id"] == session_of(sid).as_str())
            .and_then(|c| c["status"].as_str().map(str::to_owned))
    }
}

/// The member a ring-group answer dials first.
fn first_member(body: &str) -> Option<String> {
    let doc = opbx::cxml::parse(body).ok()?;
    Some(doc.child("Dial")?.child("Number")?.text.clone())
}

async fn round_robin_under_load(pbx: &Pbx) -> bool {
    let started = Instant::now();
    let calls: Vec<Request> = (0..1000)
        .map(|_| pbx.voice(&new_sid("rr"), TO_ROUND_ROBIN))
        .collect();
    let replies = pbx.send_all(&calls, IN_FLIGHT).await;
    let mut firsts: HashMap<String, usize> = HashMap::new();
    for r in &replies {
        *firsts
            .entry(first_member(&r.body).unwrap_or_else(|| "none".into()))
            .or_default() += 1;
    }
    let (min, max) = (
        firsts.values().min().copied().unwrap_or(0),
        firsts.values().max().copied().unwrap_or(0),
    );
    let mut counts: Vec<(String, usize)> = firsts.into_iter().collect();
    counts.sort();
    let ok = counts.len() == 7 && max - min <= 1;
    println!(
        "round robin: {} new calls to a group of 7, {IN_FLIGHT} in flight, {:.1}s: first members {} [{}]",
        calls.len(),
        started.elapsed().as_secs_f64(),
        counts
            .iter()
            .map(|(m, n)| format!("{m}×{n}"))
            .collect::<Vec<_>>()
            .join(" "),
        verdict(ok)
    );
    ok
}

/// New calls arriving at `rate` a second until `stop`, each fifth delivered twice (a retry):
/// open-loop, as calls reach Cloudonix whether or not OpBX keeps up, so an answer's time is what
/// a caller waits, not a place in a queue the generator built itself (a fixed number in flight
/// measured throughput: 20 in flight against a debug build queued ~50 ms before any fault).
/// Every reply with the time it was sent.
async fn steady_load(
    pbx: &Pbx,
    tag: &str,
    rate: u32,
    stop: &AtomicBool,
) -> Vec<(Request, Reply, Instant)> {
    let numbers = [TO_EXTENSION, TO_SEQUENTIAL, TO_ROUND_ROBIN];
    let mut arrivals = tokio::time::interval(Duration::from_secs(1) / rate);
    arrivals.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut calls = futures_util::stream::FuturesUnordered::new();
    let mut out = Vec::new();
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        tokio::select! {
            _ = arrivals.tick() => {
                let call = pbx.voice(&new_sid(tag), numbers[i % numbers.len()]);
                let deliveries = if i % 5 == 0 { 2 } else { 1 };
                calls.push(async move {
                    let mut replies = Vec::new();
                    for _ in 0..deliveries {
                        let sent = Instant::now();
                        let reply = pbx.send(&call).await;
                        replies.push((call.clone(), reply, sent));
                    }
                    replies
                });
                i += 1;
            }
            Some(replies) = calls.next(), if !calls.is_empty() => out.extend(replies),
        }
    }
    while let Some(replies) = calls.next().await {
        out.extend(replies);
    }
    out
}

fn sid_of(r: &Request) -> String {
    let body: Value = serde_json::from_str(&r.body).unwrap();
    body["CallSid"].as_str().unwrap().to_owned()
}

/// What steady load saw while a store was taken away.
struct Outage {
    /// Requests sent in all, before, during and after the outage.
    requests: usize,
    /// Requests sent during the outage and how many of them were answered with a `<Dial>`.
    during: usize,
    routed: usize,
    apologies: usize,
    five_xx: usize,
    non_cxml: u64,
    before: Stats,
    times: Stats,
    /// Every call, once.
    sids: Vec<String>,
}

/// Runs steady load of [`OUTAGE_RATE`] new calls a second: 2 s, then `fault` (which takes a
/// store away and gives it back), then 2 s more.
async fn load_with_outage(pbx: &Pbx, tag: &str, fault: impl AsyncFnOnce()) -> Outage {
    let non_cxml_before = pbx.non_cxml.load(Ordering::Relaxed);
    let stop = AtomicBool::new(false);
    let window = async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let from = Instant::now();
        fault().await;
        let to = Instant::now();
        tokio::time::sleep(Duration::from_secs(2)).await;
        stop.store(true, Ordering::Relaxed);
        (from, to)
    };
    let (sent, (from, to)) = tokio::join!(steady_load(pbx, tag, OUTAGE_RATE, &stop), window);
    let (during, before): (Vec<_>, Vec<_>) =
        sent.iter().partition(|(_, _, at)| *at >= from && *at < to);
    let before: Vec<_> = before.into_iter().filter(|(_, _, at)| *at < from).collect();
    let mut sids: Vec<String> = sent.iter().map(|(c, _, _)| sid_of(c)).collect();
    sids.dedup();
    Outage {
        requests: sent.len(),
        during: during.len(),
        routed: during
            .iter()
            .filter(|(_, r, _)| r.is_cxml() && r.body.contains("<Dial"))
            .count(),
        apologies: during
            .iter()
            .filter(|(_, r, _)| r.is_cxml() && !r.body.contains("<Dial"))
            .count(),
        five_xx: sent.iter().filter(|(_, r, _)| r.status >= 500).count(),
        non_cxml: pbx.non_cxml.load(Ordering::Relaxed) - non_cxml_before,
        before: Stats::of(
            before.iter().map(|(_, r, _)| r.took).collect(),
            Duration::from_secs(2),
        ),
        times: Stats::of(during.iter().map(|(_, r, _)| r.took).collect(), to - from),
        sids,
    }
}

/// The store behind `proxy` refused for `seconds` (a stopped server), then blackholed as long
/// (paused, or a partition), then back.
async fn stopped_then_paused(proxy: &FaultProxy, seconds: u64) {
    for mode in [Mode::Refuse, Mode::Blackhole] {
        proxy.set(mode);
        tokio::time::sleep(Duration::from_secs(seconds)).await;
    }
    proxy.set(Mode::Pass);
}

/// Redis refused for 5 s (a stopped server), then blackholed for 5 s (paused, or a partition).
async fn redis_outage(pbx: &Pbx, proxy: &FaultProxy) -> bool {
    let o = load_with_outage(pbx, "redis", async || stopped_then_paused(proxy, 5).await).await;
    let lost = pbx.lost_of(&o.sids).await;
    let ok =
        o.routed == o.during && o.times.p99 <= OUTAGE_BUDGET_MS && lost == 0 && o.non_cxml == 0;
    println!(
        "redis stopped 10 s mid-load (5 s refused, 5 s blackholed), {OUTAGE_RATE} new calls/s: {} requests \
         during the outage, {} routed (<Dial>) from SQL, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms \
         (before: p50 {:.1} ms, p99 {:.1} ms); {} requests in all, {lost} call logs lost [{}]",
        o.during,
        o.routed,
        o.times.p50,
        o.times.p99,
        o.times.max,
        o.before.p50,
        o.before.p99,
        o.requests,
        verdict(ok)
    );
    ok
}

/// MariaDB refused for 5 s (a stopped server: its connections cut), then blackholed for 5 s
/// (paused, or a partition: connections open, nothing answers), then back; each call's session
/// update and CDR arrive afterwards (redelivered on 5xx as Cloudonix does).
async fn mariadb_outage(pbx: &Pbx, proxy: &FaultProxy) -> bool {
    let o = load_with_outage(pbx, "sql", async || stopped_then_paused(proxy, 5).await).await;
    let ended = futures_util::stream::iter(&o.sids)
        .map(|sid| async move {
            pbx.deliver(&pbx.session(sid, "answered")).await && pbx.deliver(&pbx.cdr(sid)).await
        })
        .buffer_unordered(IN_FLIGHT)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    let lost = pbx.lost_of(&o.sids).await;
    let incomplete = pbx.without_cdr(&o.sids).await;
    let ok = o.five_xx == 0
        && o.non_cxml == 0
        && o.times.p99 <= OUTAGE_BUDGET_MS
        && lost == 0
        && incomplete == 0
        && ended == o.sids.len();
    println!(
        "mariadb stopped 10 s mid-load (5 s refused, 5 s blackholed), {OUTAGE_RATE} new calls/s: {} requests \
         during the outage ({} routed from cached configuration, {} apologies), p50 {:.1} ms, \
         p99 {:.1} ms, max {:.1} ms (before: p50 {:.1} ms, p99 {:.1} ms), {} 5xx; once the CDRs \
         of the {} calls arrived: {lost} without a call log, {incomplete} without the ending [{}]",
        o.during,
        o.routed,
        o.apologies,
        o.times.p50,
        o.times.p99,
        o.times.max,
        o.before.p50,
        o.before.p99,
        o.five_xx,
        o.sids.len(),
        verdict(ok)
    );
    ok
}

impl Pbx {
    /// Calls among `sids` whose CDR is not stored or whose call log does not show the ending.
    async fn without_cdr(&self, sids: &[String]) -> usize {
        let ended: Vec<String> = sqlx::query_scalar(
            "SELECT c.session_token FROM call_logs c JOIN cdrs d \
             ON d.organization_id = c.organization_id AND d.session_token = c.session_token \
             WHERE c.organization_id = ? AND c.ended_at IS NOT NULL",
        )
        .bind(self.org.org.id.to_string())
        .fetch_all(self.db.pool())
        .await
        .unwrap();
        let ended: std::collections::HashSet<String> = ended.into_iter().collect();
        sids.iter()
            .filter(|s| !ended.contains(&session_of(s)))
            .count()
    }
}

/// The AWS emulator refused for 3 s, then blackholed for 3 s, under voice calls: the live view
/// may lag, calls and their history may not.
async fn aws_emulator_outage(pbx: &Pbx, proxy: &FaultProxy) -> bool {
    let o = load_with_outage(pbx, "aws", async || stopped_then_paused(proxy, 3).await).await;
    let lost = pbx.lost_of(&o.sids).await;
    let ok = o.routed == o.during && lost == 0 && o.non_cxml == 0;
    println!(
        "aws emulator stopped mid-load (3 s refused, 3 s blackholed), {OUTAGE_RATE} new calls/s: {} requests \
         during the outage, {} routed, p50 {:.1} ms, p99 {:.1} ms (before: p50 {:.1} ms, p99 \
         {:.1} ms); {} requests in all, {lost} call logs lost [{}]",
        o.during,
        o.routed,
        o.times.p50,
        o.times.p99,
        o.before.p50,
        o.before.p99,
        o.requests,
        verdict(ok)
    );
    ok
}

/// Extensions 1001–1007, a sequential group of three, a round-robin group of all seven, a menu
/// whose 1 rings the sequential group, and a number for each.
async fn seed(store: &SqlStore, org: OrgId) {
    let now = now_ms();
    let mut extensions = Vec::new();
    for n in 1001..=1007 {
        let ext = opbx_tests::model::extension(org, &n.to_string());
        store.create_extension(&ext, &[]).await.unwrap();
        extensions.push(ext.id);
    }
    let group = |name: &str, strategy, members: Vec<ExtensionId>| RingGroup {
        id: RingGroupId::new(),
        organization_id: org,
        name: name.into(),
        strategy,
        member_timeout: 15,
        rounds: 1,
        skip_busy: false,
        fallback: Destination::Voicemail { id: extensions[0] },
        status: Status::Active,
        members,
        created_at: now,
        updated_at: now,
    };
    let sequential = group("Sales", RingStrategy::Sequential, extensions[..3].to_vec());
    let round_robin = group("Support", RingStrategy::RoundRobin, extensions.clone());
    for g in [&sequential, &round_robin] {
        store.create_ring_group(g, &[]).await.unwrap();
    }
    let menu = IvrMenu {
        id: IvrMenuId::new(),
        organization_id: org,
        name: "Main".into(),
        prompt_text: Some("Press 1 for sales.".into()),
        prompt_voice: None,
        prompt_recording_id: None,
        prompt_audio_url: None,
        digit_timeout: 5,
        max_invalid: 2,
        max_timeouts: 2,
        invalid_destination: Destination::Voicemail { id: extensions[0] },
        timeout_destination: Destination::RingGroup { id: sequential.id },
        options: vec![IvrOption {
            digits: "1".into(),
            label: "Sales".into(),
            destination: Destination::RingGroup { id: sequential.id },
        }],
        direct_dial: false,
        direct_dial_allowlist: vec![],
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    store.create_ivr_menu(&menu, &[]).await.unwrap();
    for (number, destination) in [
        (TO_EXTENSION, Destination::Extension { id: extensions[0] }),
        (TO_SEQUENTIAL, Destination::RingGroup { id: sequential.id }),
        (
            TO_ROUND_ROBIN,
            Destination::RingGroup { id: round_robin.id },
        ),
        (TO_MENU, Destination::IvrMenu { id: menu.id }),
    ] {
        store
            .create_phone_number(
                &opbx_tests::model::phone_number(org, number, destination),
                &[],
            )
            .await
            .unwrap();
    }
}
