//! Voice-webhook latency benchmark (issue: execution plane). Not a test: it prints figures.
//!
//! Seeds a fresh MariaDB database with realistic tenants, starts `opbx-local` on MariaDB + Redis,
//! and fires inbound voice webhooks over keep-alive HTTP connections:
//! - cached: open loop at `--rate` requests/s (default 500) for `--seconds` (default 10), latency
//!   measured from each request's scheduled send time, so queueing counts;
//! - uncached: one request at a time, each preceded by dropping the tenant's routing cache;
//! - the raw floor: Redis GET and MySQL point-select round trips from this process, and the
//!   sequence a new call cannot go below: one Redis EVAL + one MySQL INSERT commit;
//! - round trips per new call, counted by the servers (Redis MONITOR lines that are not a
//!   script's own commands; MariaDB's Questions, BEGIN/COMMIT aside; its pings printed beside)
//!   over sequential new calls, and per callback (a `<Dial>` answered: its step written, its live
//!   call moved to answered);
//! - the CPU time opbx-local spent per request (/proc) during the open loop.
//!
//! Last line: `voice: p99 <X> ms at <R>/s, <Y>x floor, <N> Redis + <M> SQL round trips per new call`.
//!
//! The counters are the servers' own, so other clients of the same servers are counted too: run
//! it on private ones (`eval "$(bash scripts/bench-servers.sh)"`).
//!
//! Run (release build, services from scripts/services.sh):
//!   cargo build --release -p opbx-local && cargo build --release -p opbx-tests --bin bench-voice
//!   target/release/bench-voice --rate 500 --seconds 10
//! (`--bin` applies to every `-p`, so opbx-local needs its own build.)
//! Environment: OPBX_TEST_DATABASE_URL, OPBX_TEST_REDIS_URL (same defaults as the tests).

use std::time::{Duration, Instant};

use opbx::adapters::sql::SqlStore;
use opbx::domain::destination::Destination;
use opbx::domain::ids::*;
use opbx::domain::model::*;
use opbx::domain::now_ms;
use opbx::domain::timezone::Timezone;
use opbx::ports::business_hours::BusinessHoursRepo;
use opbx::ports::coordination::Cache;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::organizations::OrganizationRepo;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::ring_groups::RingGroupRepo;
use opbx_tests::load::{Pool, Stats};
use opbx_tests::local::LocalProcess;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const ORGS: usize = 10;
const EXTENSIONS_PER_ORG: usize = 300;
const GROUPS_PER_ORG: usize = 40;
const NUMBERS_PER_ORG: usize = 200;
const CONNECTIONS: usize = 32;

struct Tenant {
    org: OrgId,
    key: String,
    numbers: Vec<String>,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse().expect("a number"))
            .unwrap_or(default)
    };
    let rate = arg("--rate", 500);
    let seconds = arg("--seconds", 10);

    let db_url = opbx_tests::empty_mysql_database().await;
    let store = SqlStore::connect(&db_url, 8).await.expect("MariaDB");
    store.migrate().await.expect("migrations");
    let started = Instant::now();
    let tenants = seed(&store).await;
    println!(
        "seeded {ORGS} organizations × ({EXTENSIONS_PER_ORG} extensions, {GROUPS_PER_ORG} ring groups, \
         {NUMBERS_PER_ORG} numbers, 5 schedules) in {:.1}s",
        started.elapsed().as_secs_f64()
    );

    let redis_url = std::env::var("OPBX_TEST_REDIS_URL")
        .unwrap_or_else(|_| opbx_tests::DEFAULT_TEST_REDIS_URL.into());
    let dir = opbx_tests::local::temp_dir();
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
            // One tenant at 500 calls/s is far above the default limit; here the load is the point.
            ("OPBX_VOICE_RATE_LIMIT", "10000000"),
        ],
    )
    .await;
    let addr = server.addr();
    println!(
        "opbx-local {} on MariaDB + Redis at http://{addr}",
        bin.display()
    );

    let redis = redis::Client::open(redis_url.as_str()).unwrap();
    let redis = redis
        .get_multiplexed_async_connection()
        .await
        .expect("Redis");

    // Warm every tenant's cache and the connections.
    let pool = Pool::connect(addr, CONNECTIONS).await;
    for t in &tenants {
        for n in &t.numbers {
            voice(&pool, t, n).await;
        }
    }

    let floor_redis = measure(2000, || {
        let mut r = redis.clone();
        async move {
            let _: Option<Vec<u8>> = redis::cmd("GET")
                .arg("opbx:bench-floor")
                .query_async(&mut r)
                .await
                .unwrap();
        }
    })
    .await;
    let (org0, number0) = (tenants[0].org.to_string(), tenants[0].numbers[0].clone());
    let floor_mysql = measure(2000, || {
        let (store, org, number) = (store.clone(), org0.clone(), number0.clone());
        async move {
            sqlx::query("SELECT id, destination_type, destination_ref FROM phone_numbers WHERE organization_id = ? AND number = ?")
                .bind(org)
                .bind(number)
                .fetch_optional(store.pool())
                .await
                .unwrap();
        }
    })
    .await;

    let floor = floor_sequence(&redis, &store, 2000).await;

    let coordination = opbx::adapters::redis::coordination::RedisCoordination::connect(
        &redis_url,
        opbx::app::REDIS_NAMESPACE,
        opbx::adapters::redis::connection::DEFAULT_DEADLINE,
    )
    .await
    .expect("Redis");
    let uncached = {
        let mut samples = Vec::with_capacity(1000);
        let started = Instant::now();
        for i in 0..1000 {
            let t = &tenants[i % tenants.len()];
            // What a control-plane write does: the shared cache dropped, the version raised.
            coordination
                .invalidate_org(&t.org.to_string())
                .await
                .unwrap();
            let sent = Instant::now();
            voice(&pool, t, &t.numbers[i % t.numbers.len()]).await;
            samples.push(sent.elapsed());
        }
        Stats::of(samples, started.elapsed())
    };
    // Every instance copy is stale now: warm them again.
    for t in &tenants {
        for n in &t.numbers {
            voice(&pool, t, n).await;
        }
    }

    let counted = 500;
    let trips = count_round_trips(&redis_url, &store, || async {
        for i in 0..counted {
            let t = &tenants[i % tenants.len()];
            voice(&pool, t, &t.numbers[(i * 7) % t.numbers.len()]).await;
        }
    })
    .await;
    let redis_commands: u64 = trips.redis.values().sum();
    let redis_per_call = redis_commands as f64 / counted as f64;
    let by_command = trips
        .redis
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql_per_call = trips.sql as f64 / counted as f64;

    // Callbacks: each of `counted` new calls (not counted) answers its <Dial>, which writes the
    // call's step and moves its live entry to answered.
    let mut dialled = Vec::with_capacity(counted);
    for i in 0..counted {
        let t = &tenants[i % tenants.len()];
        let body = call_body(&t.numbers[(i * 11) % t.numbers.len()]);
        let reply = pool
            .post("/webhooks/cloudonix/voice", Some(&t.key), &body)
            .await;
        if let Some(action) = dial_action(&reply.body) {
            dialled.push((t, action, body));
        }
    }
    let callbacks = dialled.len();
    let callback_trips = count_round_trips(&redis_url, &store, || async {
        for (t, action, body) in &dialled {
            let answered = body.replacen('{', r#"{"DialCallStatus":"answered","#, 1);
            let reply = pool.post(action, Some(&t.key), &answered).await;
            assert_eq!(reply.status, 200, "unexpected answer: {reply:?}");
        }
    })
    .await;
    let callback_redis: u64 = callback_trips.redis.values().sum();

    let cpu_before = opbx_tests::proc::cpu_ms(server.pid());
    let cached = open_loop(&pool, &tenants, rate, seconds).await;
    let cpu_per_request = (opbx_tests::proc::cpu_ms(server.pid()) - cpu_before) / cached.n as f64;

    println!();
    println!(
        "{:<52} {:>9} {:>9} {:>9} {:>10}",
        "", "p50 ms", "p99 ms", "max ms", "req/s"
    );
    floor_redis.print("raw Redis GET round trip");
    floor_mysql.print("raw MySQL point select round trip");
    floor.eval.print("raw Redis EVAL round trip");
    floor.insert.print("raw MySQL INSERT commit");
    floor
        .both
        .print("floor: one EVAL + one INSERT, in sequence");
    uncached.print("voice webhook, uncached config (sequential)");
    cached.print(&format!(
        "voice webhook, cached config ({rate}/s open loop)"
    ));
    println!(
        "\nround trips per new call (cached configuration, {counted} calls, counted by the servers): \
         Redis {redis_per_call:.2} (MONITOR: {redis_commands} commands from clients — {by_command} — script-internal ones aside), \
         SQL {sql_per_call:.2} (MariaDB Questions {} − BEGIN {} − COMMIT {}; INSERT {}, SELECT {}, UPDATE {}; \
         besides, {} pings: sqlx checks each connection as it returns to the pool, after the answer)",
        trips.questions,
        trips.begin,
        trips.commit,
        trips.insert,
        trips.select,
        trips.update,
        trips.pings
    );
    println!(
        "round trips per answered-dial callback ({callbacks} callbacks, counted by the servers): \
         Redis {} ({}), SQL {} (Questions {} − BEGIN {} − COMMIT {}; INSERT {}, SELECT {}, UPDATE {})",
        trim(callback_redis as f64 / callbacks as f64),
        callback_trips
            .redis
            .iter()
            .map(|(name, n)| format!("{name} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        trim(callback_trips.sql as f64 / callbacks as f64),
        callback_trips.questions,
        callback_trips.begin,
        callback_trips.commit,
        callback_trips.insert,
        callback_trips.select,
        callback_trips.update,
    );
    println!(
        "opbx-local CPU per request during the open loop: {cpu_per_request:.3} ms (user + system)"
    );
    println!(
        "voice: p99 {:.2} ms at {rate}/s, {:.1}x floor, {} Redis + {} SQL round trips per new call",
        cached.p99,
        cached.p99 / floor.both.p99,
        trim(redis_per_call),
        trim(sql_per_call),
    );
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

/// `2` rather than `2.00`, `2.22` when it is not whole.
fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

struct Floor {
    eval: Stats,
    insert: Stats,
    both: Stats,
}

/// The store work a new call cannot avoid: one script round trip to Redis and one committed
/// INSERT in MariaDB, each timed alone and as the sequence.
async fn floor_sequence(
    redis: &redis::aio::MultiplexedConnection,
    store: &SqlStore,
    n: usize,
) -> Floor {
    sqlx::query("CREATE TABLE bench_floor (id VARCHAR(36) NOT NULL PRIMARY KEY, v TEXT NOT NULL)")
        .execute(store.pool())
        .await
        .unwrap();
    let script = redis::Script::new("return redis.call('GET', KEYS[1])");
    let eval = |mut r: redis::aio::MultiplexedConnection| {
        let script = script.clone();
        async move {
            let _: Option<Vec<u8>> = script
                .key("opbx:bench-floor")
                .invoke_async(&mut r)
                .await
                .unwrap();
        }
    };
    let insert = |store: SqlStore| async move {
        sqlx::query("INSERT INTO bench_floor (id, v) VALUES (?, ?)")
            .bind(uuid_like())
            .bind("x".repeat(200))
            .execute(store.pool())
            .await
            .unwrap();
    };
    let eval_alone = measure(n, || eval(redis.clone())).await;
    let insert_alone = measure(n, || insert(store.clone())).await;
    let both = measure(n, || {
        let (r, s) = (redis.clone(), store.clone());
        async move {
            eval(r).await;
            insert(s).await;
        }
    })
    .await;
    Floor {
        eval: eval_alone,
        insert: insert_alone,
        both,
    }
}

#[derive(Default)]
struct Trips {
    /// Commands from clients, by name.
    redis: std::collections::BTreeMap<String, u64>,
    questions: i64,
    begin: i64,
    commit: i64,
    pings: i64,
    insert: i64,
    select: i64,
    update: i64,
    sql: i64,
}

/// Runs `work` and counts what the servers saw meanwhile: Redis commands sent by clients (a
/// MONITOR session; commands a script runs show as `[db lua]` and are not round trips) and
/// MariaDB's global statement counters.
async fn count_round_trips<F, Fut>(redis_url: &str, store: &SqlStore, work: F) -> Trips
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ()>,
{
    let address = redis_url
        .trim_start_matches("redis://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let mut monitor = TcpStream::connect(&address)
        .await
        .expect("Redis for MONITOR");
    monitor.write_all(b"MONITOR\r\n").await.unwrap();
    let mut monitor = BufReader::new(monitor);
    let mut ok = String::new();
    monitor.read_line(&mut ok).await.unwrap();
    assert!(ok.starts_with("+OK"), "MONITOR refused: {ok}");
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let counter = tokio::spawn(async move {
        let mut commands = std::collections::BTreeMap::<String, u64>::new();
        let mut line = String::new();
        loop {
            line.clear();
            tokio::select! {
                _ = &mut stop_rx => break,
                read = monitor.read_line(&mut line) => {
                    if read.unwrap_or(0) == 0 { break; }
                    if line.contains(" lua]") { continue; }
                    // The marker this function sends to know every earlier line has arrived.
                    if line.contains("opbx-bench-monitor-end") { break; }
                    // `<time> [<db> <client>] "COMMAND" …`
                    if let Some((_, rest)) = line.split_once("] \"") {
                        let name = rest.split('"').next().unwrap_or_default().to_uppercase();
                        *commands.entry(name).or_default() += 1;
                    }
                }
            }
        }
        commands
    });
    // One connection for both readings, taken before the first: the pool's own check of a
    // connection (a ping) must not land between them.
    let mut reader = store.pool().acquire().await.unwrap();
    let before = global_status(&mut reader).await;
    work().await;
    let after = global_status(&mut reader).await;
    let marker = redis::Client::open(redis_url).unwrap();
    let mut marker = marker.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("ECHO")
        .arg("opbx-bench-monitor-end")
        .query_async(&mut marker)
        .await
        .unwrap();
    let redis = tokio::time::timeout(Duration::from_secs(5), counter)
        .await
        .map(|r| r.unwrap())
        .unwrap_or_else(|_| {
            let _ = stop_tx.send(());
            Default::default()
        });
    let delta = |name: &str| after[name] - before[name];
    // The second SHOW STATUS is itself a question.
    let questions = delta("Questions") - 1;
    let (begin, commit) = (delta("Com_begin"), delta("Com_commit"));
    // Pings are not statements (MariaDB counts them as admin commands), but are printed: sqlx
    // pings each connection as it returns to the pool, after the answer.
    let pings = delta("Com_admin_commands");
    Trips {
        redis,
        questions,
        begin,
        commit,
        pings,
        insert: delta("Com_insert"),
        select: delta("Com_select"),
        update: delta("Com_update"),
        sql: questions - begin - commit,
    }
}

/// MariaDB's global counters of statements and pings.
async fn global_status(
    connection: &mut sqlx::AnyConnection,
) -> std::collections::HashMap<String, i64> {
    use sqlx::Row;
    sqlx::query(
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_admin_commands', \
         'Com_begin', 'Com_commit', 'Com_insert', 'Com_select', 'Com_update')",
    )
    .fetch_all(connection)
    .await
    .unwrap()
    .iter()
    .map(|row| {
        let name: String = row.try_get(0).unwrap();
        let value: String = row.try_get(1).unwrap();
        (name, value.parse::<i64>().unwrap())
    })
    .collect()
}

async fn measure<F, Fut>(n: usize, mut op: F) -> Stats
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(n);
    let started = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        op().await;
        samples.push(t.elapsed());
    }
    Stats::of(samples, started.elapsed())
}

/// Sends `rate` requests per second on schedule; each latency counts from its scheduled time.
/// Sends at `rate` requests/s for `seconds`, each timed from when it was due. The schedule is
/// kept by a thread of its own (a thread sleep is precise to tens of microseconds; tokio's timer
/// wakes at the next whole millisecond, which added up to a millisecond to every sample).
async fn open_loop(pool: &Pool, tenants: &[Tenant], rate: u64, seconds: u64) -> Stats {
    let total = (rate * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let calls: Vec<(String, String)> = (0..total)
        .map(|i| {
            let t = &tenants[i % tenants.len()];
            (
                t.key.clone(),
                t.numbers[(i / tenants.len()) % t.numbers.len()].clone(),
            )
        })
        .collect();
    let (pool, runtime) = (pool.clone(), tokio::runtime::Handle::current());
    let started = Instant::now();
    let scheduler = std::thread::spawn(move || {
        let mut tasks = Vec::with_capacity(total);
        for (i, (key, number)) in calls.into_iter().enumerate() {
            let due = started + interval * i as u32;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            let pool = pool.clone();
            tasks.push(runtime.spawn(async move {
                send(&pool, &call_body(&number), &key).await;
                due.elapsed()
            }));
        }
        tasks
    });
    let tasks = tokio::task::spawn_blocking(move || scheduler.join().unwrap())
        .await
        .unwrap();
    let mut samples = Vec::with_capacity(total);
    for t in tasks {
        samples.push(t.await.unwrap());
    }
    Stats::of(samples, started.elapsed())
}

fn call_body(to: &str) -> String {
    let sid = uuid_like();
    format!(
        r#"{{"CallSid":"{sid}","Session":"s-{sid}","From":"+14155550000","To":"{to}","Direction":"inbound","CallStatus":"in-progress"}}"#
    )
}

fn uuid_like() -> String {
    OrgId::new().to_string()
}

/// Sends the call and checks it was routed: every seeded number rings someone or takes a
/// message; an apology would mean a routing failure, which must not be timed as success.
async fn send(pool: &Pool, body: &str, key: &str) {
    let reply = pool
        .post("/webhooks/cloudonix/voice", Some(key), body)
        .await;
    assert_eq!(reply.status, 200, "unexpected answer: {reply:?}");
    assert!(
        reply.body.contains("<Dial") || reply.body.contains("<Record"),
        "not routed: {}",
        reply.body
    );
}

/// The path of an answer's `<Dial action>`, as opbx-local serves it.
fn dial_action(cxml: &str) -> Option<String> {
    let at = cxml.find("<Dial")?;
    let rest = &cxml[at..];
    let start = rest.find("action=\"")? + "action=\"".len();
    let url = &rest[start..start + rest[start..].find('"')?];
    let path = &url[url.find("voice/dial")?..];
    Some(format!(
        "/webhooks/cloudonix/{}",
        path.replace("&amp;", "&")
    ))
}

async fn voice(pool: &Pool, t: &Tenant, number: &str) {
    send(pool, &call_body(number), &t.key).await;
}

async fn seed(store: &SqlStore) -> Vec<Tenant> {
    let mut tenants = Vec::with_capacity(ORGS);
    for o in 0..ORGS {
        let now = now_ms();
        let org = Organization {
            id: OrgId::new(),
            name: format!("Bench {o}"),
            slug: format!("bench-{o}"),
            timezone: Timezone::parse("America/New_York").unwrap(),
            status: OrgStatus::Active,
            unassigned_number_message: None,
            calling: Default::default(),
            created_at: now,
            updated_at: now,
        };
        store.create_organization(&org).await.unwrap();
        let key = opbx::crypto::random_token();
        opbx_tests::model::save_webhook_settings(
            store,
            &opbx_tests::model::webhook_settings(org.id, &key),
        )
        .await;
        let mut extensions = Vec::with_capacity(EXTENSIONS_PER_ORG);
        for e in 0..EXTENSIONS_PER_ORG {
            let ext = Extension {
                display_name: format!("User {e}"),
                do_not_disturb: e % 17 == 0,
                ..opbx_tests::model::extension(org.id, &format!("{}", 1000 + e))
            };
            store.create_extension(&ext, &[]).await.unwrap();
            extensions.push(ext.id);
        }
        let mut groups = Vec::with_capacity(GROUPS_PER_ORG);
        for g in 0..GROUPS_PER_ORG {
            let strategy = [
                RingStrategy::Simultaneous,
                RingStrategy::Sequential,
                RingStrategy::RoundRobin,
            ][g % 3];
            let group = RingGroup {
                id: RingGroupId::new(),
                organization_id: org.id,
                name: format!("Group {g}"),
                strategy,
                member_timeout: 15,
                rounds: 2,
                skip_busy: false,
                fallback: Destination::Voicemail { id: extensions[g] },
                status: Status::Active,
                members: (0..5)
                    .map(|m| extensions[(g * 5 + m + 1) % EXTENSIONS_PER_ORG])
                    .collect(),
                created_at: now,
                updated_at: now,
            };
            store.create_ring_group(&group, &[]).await.unwrap();
            groups.push(group.id);
        }
        let mut schedules = Vec::new();
        for s in 0..5 {
            let schedule = BusinessHours {
                id: ScheduleId::new(),
                organization_id: org.id,
                name: format!("Hours {s}"),
                timezone: Timezone::parse("America/New_York").unwrap(),
                // Open and closed both ring people, so every call ends in a <Dial>.
                open: Destination::RingGroup { id: groups[s] },
                closed: Destination::Extension {
                    id: extensions[s + 1],
                },
                ranges: (1..=5)
                    .map(|d| WeeklyRange {
                        weekday: d,
                        start_minute: 540,
                        end_minute: 1020,
                    })
                    .collect(),
                exceptions: vec![],
                manual_override: None,
                status: Status::Active,
                created_at: now,
                updated_at: now,
            };
            store.create_business_hours(&schedule, &[]).await.unwrap();
            schedules.push(schedule.id);
        }
        let mut numbers = Vec::with_capacity(NUMBERS_PER_ORG);
        for n in 0..NUMBERS_PER_ORG {
            let number = format!("+1{}{:03}{:04}", 212 + o, 555, n);
            let destination = match n % 4 {
                0 => Destination::Extension {
                    id: extensions[1 + n % (EXTENSIONS_PER_ORG - 1)],
                },
                1 => Destination::RingGroup {
                    id: groups[n % GROUPS_PER_ORG],
                },
                2 => Destination::BusinessHours {
                    id: schedules[n % schedules.len()],
                },
                _ => Destination::RingGroup {
                    id: groups[(n + 7) % GROUPS_PER_ORG],
                },
            };
            store
                .create_phone_number(
                    &opbx_tests::model::phone_number(org.id, &number, destination),
                    &[],
                )
                .await
                .unwrap();
            numbers.push(number);
        }
        tenants.push(Tenant {
            org: org.id,
            key,
            numbers,
        });
    }
    tenants
}
