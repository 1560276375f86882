//! Call-history benchmark (issue 14): how the control plane answers with the history a busy
//! deployment builds. Not a test: it prints figures and query plans.
//!
//! Seeds `--calls` call logs (default 1 000 000 on MariaDB, 100 000 with `--sqlite`), each with
//! its CDR, across 10 organizations (a year of calls, 50 extensions each), starts `opbx-local` on
//! that database (+ Redis), and measures through the API, `--runs` requests each (default 100):
//! the list and each filter (a week in the organization's time zone, direction, status, the end of
//! a number, extension, CallSid), `call-logs/stats` (the default week and a whole year of days),
//! and the CSV export of one organization's every call with opbx-local's memory before and after
//! (RSS growth), through opbx-local and through `api-call-logs-export` run as on Lambda (response
//! streaming). Prints each filter's `EXPLAIN`. The seeded database is dropped at the end, or
//! kept with `--keep` (to try queries and plans on it by hand).
//!
//!   cargo build --release -p opbx-local -p api-call-logs-export
//!   cargo build --release -p opbx-tests --bin bench-history
//!   target/release/bench-history              # MariaDB, 1 000 000 calls
//!   target/release/bench-history --sqlite     # SQLite, 100 000 calls
//!   target/release/bench-history --calls 100000 --runs 20 --keep
//! Environment: OPBX_TEST_DATABASE_URL, OPBX_TEST_REDIS_URL (as the tests).

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use opbx::adapters::sql::{Dialect, SqlStore};
use opbx::domain::destination::{Destination, PathStep};
use opbx::domain::e164::E164;
use opbx::domain::ids::{CallLogId, ExtensionId};
use opbx::domain::model::{CallDirection, CallLog, CallStatus};
use opbx::domain::now_ms;
use opbx::ports::call_logs::CallLogFilter;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::store::PageRequest;
use opbx_tests::local::LocalProcess;
use opbx_tests::realtime::RealtimeOrg;

const ORGS: usize = 10;
const EXTENSIONS: usize = 50;
const BATCH: usize = 500;
const DAY_MS: i64 = 86_400_000;
const YEAR_MS: i64 = 365 * DAY_MS;
const STATUSES: [CallStatus; 8] = [
    CallStatus::Completed,
    CallStatus::Completed,
    CallStatus::Completed,
    CallStatus::NoAnswer,
    CallStatus::Busy,
    CallStatus::Failed,
    CallStatus::Canceled,
    CallStatus::Answered,
];

struct Tenant {
    org: RealtimeOrg,
    extensions: Vec<(ExtensionId, String)>,
}

/// A small deterministic generator, so every run seeds the same history.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn call_sid(org: usize, n: usize) -> String {
    format!("CA{org:02}x{n:08}")
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sqlite = args.iter().any(|a| a == "--sqlite");
    let keep = args.iter().any(|a| a == "--keep");
    let arg = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse().expect("a number"))
            .unwrap_or(default)
    };
    let calls = arg("--calls", if sqlite { 100_000 } else { 1_000_000 });
    let runs = arg("--runs", 100);

    let dir = opbx_tests::local::temp_dir();
    let db_url = if sqlite {
        format!("sqlite://{}", dir.join("history.db").display())
    } else {
        opbx_tests::empty_mysql_database().await
    };
    let store = SqlStore::connect(&db_url, 4).await.expect("database");
    store.migrate().await.expect("migrations");
    let started = Instant::now();
    let tenants = seed(&store, calls).await;
    println!(
        "seeded {calls} calls + CDRs across {ORGS} organizations on {} in {:.0} s",
        store.dialect().name(),
        started.elapsed().as_secs_f64()
    );

    let redis_url = std::env::var("OPBX_TEST_REDIS_URL")
        .unwrap_or_else(|_| opbx_tests::DEFAULT_TEST_REDIS_URL.into());
    let bin = std::env::current_exe()
        .unwrap()
        .with_file_name("opbx-local");
    let key = opbx::crypto::SecretBox::generate_key();
    let server = LocalProcess::start_binary(
        &bin,
        &dir,
        &[
            ("OPBX_DATABASE_URL", db_url.as_str()),
            ("OPBX_REDIS_URL", redis_url.as_str()),
            ("OPBX_ENCRYPTION_KEY", key.as_str()),
        ],
    )
    .await;
    let api = Api {
        client: Client::builder(TokioExecutor::new()).build_http(),
        base: format!("http://{}", server.addr()),
    };

    let per_org = calls / ORGS;
    let week = |i: usize| {
        // Weeks of the seeded year, as local dates.
        let start =
            jiff::Timestamp::from_millisecond(now_ms() - YEAR_MS + (i % 50) as i64 * 7 * DAY_MS)
                .unwrap()
                .to_zoned(jiff::tz::TimeZone::get("Europe/London").unwrap())
                .date();
        let end = start.checked_add(jiff::Span::new().days(6)).unwrap();
        format!("from={start}&to={end}")
    };
    type Query = Box<dyn Fn(usize, &Tenant) -> String>;
    let lists: Vec<(&str, Query)> = vec![
        ("list, newest first", Box::new(|_, _| String::new())),
        ("a week (org's time zone)", Box::new(move |i, _| week(i))),
        (
            "direction=outbound",
            Box::new(|_, _| "direction=outbound".into()),
        ),
        (
            "status=no_answer",
            Box::new(|_, _| "status=no_answer".into()),
        ),
        (
            "number (its end)",
            Box::new(|i, _| format!("number=555{:04}", (i * 37) % 2000)),
        ),
        (
            "extension",
            Box::new(|i, t| format!("extension={}", t.extensions[i % EXTENSIONS].0)),
        ),
        (
            "call_sid",
            Box::new(move |i, _| format!("call_sid={}", call_sid(i % ORGS, (i * 7919) % per_org))),
        ),
    ];

    println!(
        "\n{:<34} {:>8} {:>8} {:>8} {:>10}",
        "GET /api/v1/call-logs?…", "p50 ms", "p99 ms", "max ms", "CPU ms/req"
    );
    for (name, query) in &lists {
        let stats = api
            .measure(&server, runs, |i| {
                let t = &tenants[i % ORGS];
                (
                    format!("/api/v1/call-logs?{}", query(i, t)),
                    t.org.api_token.clone(),
                )
            })
            .await;
        stats.print(name);
    }
    // The first statistics of a period build the sums of its settled days (once per
    // organization and day), so a year's first read per organization is measured apart.
    for (name, query, requests) in [
        ("stats, default (7 days)", "", runs.min(30)),
        (
            "stats, a year: first read per org",
            "from=YEAR&bucket=day",
            ORGS,
        ),
        (
            "stats, a year of days",
            "from=YEAR&bucket=day",
            runs.min(30),
        ),
    ] {
        let year_ago = jiff::Timestamp::from_millisecond(now_ms() - YEAR_MS + DAY_MS)
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::get("Europe/London").unwrap())
            .date()
            .to_string();
        let stats = api
            .measure(&server, requests, |i| {
                let t = &tenants[i % ORGS];
                (
                    format!(
                        "/api/v1/call-logs/stats?{}",
                        query.replace("YEAR", &year_ago)
                    ),
                    t.org.api_token.clone(),
                )
            })
            .await;
        stats.print(name);
    }

    let (rss_before, peak_before) = opbx_tests::proc::memory_mb(server.pid());
    let t0 = Instant::now();
    let (status, bytes, lines) = api
        .stream("/api/v1/call-logs/export.csv", &tenants[0].org.api_token)
        .await;
    let took = t0.elapsed();
    let (rss_after, peak_after) = opbx_tests::proc::memory_mb(server.pid());
    assert_eq!(status, 200);
    println!(
        "\nCSV export of one organization: {} rows, {:.1} MB in {:.2} s; opbx-local RSS {rss_before:.1} MB \
         before, {rss_after:.1} MB after, peak {peak_after:.1} MB (peak before {peak_before:.1} MB): \
         growth {:.1} MB",
        lines - 1,
        bytes as f64 / 1e6,
        took.as_secs_f64(),
        (peak_after - rss_before).max(0.0)
    );

    lambda_export(&db_url, &redis_url, &dir, &tenants[0].org.api_token).await;

    println!("\nQuery plans (count, then page) of each filter:");
    let t = &tenants[0];
    let org = t.org.org.id;
    let local_week = |days_back: i64| {
        let now = now_ms();
        CallLogFilter {
            from: Some(now - days_back * DAY_MS),
            to: Some(now - (days_back - 7) * DAY_MS),
            ..CallLogFilter::default()
        }
    };
    let plans = [
        ("list", CallLogFilter::default()),
        ("a week", local_week(100)),
        (
            "direction",
            CallLogFilter {
                direction: Some(CallDirection::Outbound),
                ..CallLogFilter::default()
            },
        ),
        (
            "status",
            CallLogFilter {
                status: Some(CallStatus::NoAnswer),
                ..CallLogFilter::default()
            },
        ),
        (
            "number",
            CallLogFilter {
                number: Some("5550123".into()),
                ..CallLogFilter::default()
            },
        ),
        (
            "extension",
            CallLogFilter {
                extensions: Some(vec![t.extensions[0].0]),
                ..CallLogFilter::default()
            },
        ),
        (
            "call_sid",
            CallLogFilter {
                call_sid: Some(call_sid(0, 42)),
                ..CallLogFilter::default()
            },
        ),
    ];
    for (name, filter) in plans {
        let explained = store
            .explain_call_log_list(org, &filter, PageRequest::default())
            .await
            .expect("EXPLAIN");
        for (statement, lines) in explained {
            for line in lines {
                // Every index of the table is a possible key: listing them hides the plan.
                let line: Vec<&str> = line
                    .split(' ')
                    .filter(|column| !column.starts_with("possible_keys="))
                    .collect();
                println!("  {name:<9} {statement:<5} {}", line.join(" "));
            }
        }
    }

    drop(server);
    if keep {
        println!(
            "\nkept the seeded database: {}",
            opbx::adapters::sql::redact(&db_url)
        );
    } else if !sqlite {
        let name = db_url.rsplit('/').next().unwrap().to_owned();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE `{name}`")))
            .execute(store.pool())
            .await
            .expect("drop the benchmark database");
    }
    store.close().await;
    if !keep {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The same export through `api-call-logs-export` run as on Lambda (its binary beside this one,
/// answering a Function URL event in response-streaming mode), with that process's memory. The
/// body is counted as it arrives, not kept.
async fn lambda_export(db_url: &str, redis_url: &str, dir: &std::path::Path, token: &str) {
    use opbx_tests::lambda_runtime::{Answer, LambdaProcess, http_event};
    let bin = std::env::current_exe()
        .unwrap()
        .with_file_name("api-call-logs-export");
    if !bin.exists() {
        println!(
            "\nCSV export on Lambda: not measured, build it first: cargo build --release -p api-call-logs-export"
        );
        return;
    }
    let function = LambdaProcess::start(
        &bin,
        &[("OPBX_DATABASE_URL", db_url), ("OPBX_REDIS_URL", redis_url)],
        &dir.join("api-call-logs-export.log"),
    )
    .await;
    let event = || http_event("GET", "/api/v1/call-logs/export.csv", Some(token));
    let limit = Duration::from_secs(600);
    // A first, small request so the process has started and connected before it is measured.
    let warm = http_event(
        "GET",
        "/api/v1/call-logs/export.csv?call_sid=none",
        Some(token),
    );
    function.invoke(warm, false, limit).await;
    let (rss_before, _) = opbx_tests::proc::memory_mb(function.pid());
    let t0 = Instant::now();
    let answer = function.invoke(event(), false, limit).await;
    let took = t0.elapsed();
    let (rss_after, peak_after) = opbx_tests::proc::memory_mb(function.pid());
    let Answer::Streamed(streamed) = answer else {
        panic!("a streamed answer, got {answer:?}");
    };
    assert_eq!(streamed.status(), 200);
    println!(
        "CSV export on Lambda (api-call-logs-export, response streaming): {} rows, {:.1} MB in \
         {:.2} s, {} pieces; RSS {rss_before:.1} MB before, {rss_after:.1} MB after, peak \
         {peak_after:.1} MB: growth {:.1} MB",
        streamed.lines - 1,
        streamed.bytes as f64 / 1e6,
        took.as_secs_f64(),
        streamed.frames,
        (peak_after - rss_before).max(0.0)
    );
}

async fn seed(store: &SqlStore, calls: usize) -> Vec<Tenant> {
    let mut tenants = Vec::with_capacity(ORGS);
    for _ in 0..ORGS {
        let org = RealtimeOrg::create(store).await;
        let mut extensions = Vec::with_capacity(EXTENSIONS);
        for e in 0..EXTENSIONS {
            let ext = opbx_tests::model::extension(org.org.id, &format!("{}", 100 + e));
            store.create_extension(&ext, &[]).await.unwrap();
            extensions.push((ext.id, ext.number.to_string()));
        }
        tenants.push(Tenant { org, extensions });
    }
    let mut random = Lcg(14);
    let now = now_ms();
    let per_org = calls / ORGS;
    for (o, tenant) in tenants.iter().enumerate() {
        let mut n = 0;
        while n < per_org {
            let rows: Vec<CallLog> = (n..(n + BATCH).min(per_org))
                .map(|i| seeded_call(&mut random, o, i, tenant, now))
                .collect();
            insert(store, &rows).await;
            n += rows.len();
        }
    }
    if store.dialect() == Dialect::MySql {
        sqlx::query("ANALYZE TABLE call_logs, cdrs")
            .execute(store.pool())
            .await
            .unwrap();
    } else {
        sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();
    }
    tenants
}

/// One seeded call: a year back at random, inbound from an outside number (offered to an
/// extension four times in five), outbound from an extension, or internal.
fn seeded_call(random: &mut Lcg, o: usize, i: usize, t: &Tenant, now: i64) -> CallLog {
    let external = |r: &mut Lcg| format!("+1{}555{:04}", 200 + r.below(800), r.below(2000));
    let ext = t.extensions[random.below(EXTENSIONS)].clone();
    let other = t.extensions[random.below(EXTENSIONS)].clone();
    let (direction, from_number, to_number, extension_id) = match random.below(20) {
        0..12 => (
            CallDirection::Inbound,
            external(random),
            format!("+4420794{:05}", o * 100 + random.below(20)),
            (random.below(5) > 0).then_some(ext.0),
        ),
        12..17 => (CallDirection::Outbound, ext.1, external(random), None),
        _ => (CallDirection::Internal, ext.1, other.1, Some(other.0)),
    };
    let status = STATUSES[random.below(STATUSES.len())];
    let started_at = now - YEAR_MS + (random.next() as i64 % YEAR_MS);
    let duration = matches!(status, CallStatus::Completed).then(|| random.below(900) as i32);
    let ended_at = started_at + 1000 * (5 + i64::from(duration.unwrap_or(20)));
    let sid = call_sid(o, i);
    let path = match extension_id {
        Some(id) => Destination::Extension { id },
        None => Destination::ExternalNumber {
            number: E164::parse("+15105550123").unwrap(),
        },
    };
    CallLog {
        id: CallLogId::new(),
        organization_id: t.org.org.id,
        session_token: Some(format!("s-{sid}")),
        call_sid: sid,
        direction,
        from_number,
        to_number,
        caller_name: None,
        phone_number_id: None,
        extension_id,
        status,
        path: vec![PathStep {
            destination: path,
            reason: String::new(),
        }],
        disposition: Some(disposition(status).into()),
        started_at,
        answered_at: duration.map(|_| started_at + 5000),
        ended_at: Some(ended_at),
        duration_seconds: duration.map(|d| d + 5),
        billsec: duration,
        recording_url: None,
        updated_at: ended_at,
    }
}

/// The calls, then their CDRs.
async fn insert(store: &SqlStore, logs: &[CallLog]) {
    opbx_tests::history::insert_call_logs(store, logs).await;
    let cdrs = format!(
        "INSERT INTO cdrs (id, organization_id, session_token, call_sid, from_number, to_number, \
         disposition, duration_seconds, billsec, started_at, answered_at, ended_at, raw, \
         received_at) VALUES {}",
        vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)"; logs.len()].join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(cdrs));
    for log in logs {
        let disposition = log.disposition.clone().unwrap_or_default();
        let ended = log.ended_at.unwrap_or(log.started_at);
        q = q
            .bind(opbx::domain::ids::CdrId::new().to_string())
            .bind(log.organization_id.to_string())
            .bind(log.session_token.clone())
            .bind(log.call_sid.clone())
            .bind(log.from_number.clone())
            .bind(log.to_number.clone())
            .bind(disposition.clone())
            .bind(log.duration_seconds.unwrap_or(5))
            .bind(log.billsec.unwrap_or(0))
            .bind(log.started_at)
            .bind(ended)
            .bind(format!(
                r#"{{"domain":"bench.cloudonix.net","call_id":"{}","disposition":"{disposition}"}}"#,
                log.call_sid
            ))
            .bind(ended + 2000);
    }
    q.execute(store.pool()).await.unwrap();
}

fn disposition(status: CallStatus) -> &'static str {
    match status {
        CallStatus::Completed | CallStatus::Answered => "ANSWER",
        CallStatus::Busy => "BUSY",
        CallStatus::NoAnswer => "NOANSWER",
        CallStatus::Canceled => "CANCEL",
        _ => "FAILED",
    }
}

struct Api {
    client: Client<HttpConnector, Empty<Bytes>>,
    base: String,
}

struct Stats {
    samples: Vec<Duration>,
    cpu_ms: f64,
}

impl Stats {
    fn print(&self, name: &str) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let at =
            |q: f64| {
                ms(self.samples
                    [((self.samples.len() as f64 * q) as usize).min(self.samples.len() - 1)])
            };
        println!(
            "{name:<34} {:>8.1} {:>8.1} {:>8.1} {:>10.2}",
            at(0.50),
            at(0.99),
            ms(*self.samples.last().unwrap()),
            self.cpu_ms / self.samples.len() as f64
        );
    }
}

impl Api {
    fn request(&self, path: &str, token: &str) -> hyper::Request<Empty<Bytes>> {
        hyper::Request::get(format!("{}{path}", self.base))
            .header("authorization", format!("Bearer {token}"))
            .body(Empty::new())
            .unwrap()
    }

    /// `runs` requests one after another (after one unmeasured warm-up request).
    async fn measure(
        &self,
        server: &LocalProcess,
        runs: usize,
        request: impl Fn(usize) -> (String, String),
    ) -> Stats {
        let (path, token) = request(runs);
        self.get(&path, &token).await;
        let cpu = opbx_tests::proc::cpu_ms(server.pid());
        let mut samples = Vec::with_capacity(runs);
        for i in 0..runs {
            let (path, token) = request(i);
            let t = Instant::now();
            self.get(&path, &token).await;
            samples.push(t.elapsed());
        }
        samples.sort();
        Stats {
            samples,
            cpu_ms: opbx_tests::proc::cpu_ms(server.pid()) - cpu,
        }
    }

    async fn get(&self, path: &str, token: &str) {
        let response = self
            .client
            .request(self.request(path, token))
            .await
            .unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(
            status.is_success(),
            "{path}: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }

    /// Reads a streamed answer chunk by chunk without keeping it: (status, bytes, lines).
    async fn stream(&self, path: &str, token: &str) -> (u16, usize, usize) {
        let response = self
            .client
            .request(self.request(path, token))
            .await
            .unwrap();
        let status = response.status().as_u16();
        let mut body = response.into_body();
        let (mut bytes, mut lines) = (0, 0);
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame.unwrap().into_data() {
                bytes += data.len();
                lines += data.iter().filter(|b| **b == b'\n').count();
            }
        }
        (status, bytes, lines)
    }
}
