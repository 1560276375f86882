//! Voice-webhook latency benchmark (issue: execution plane). Not a test: it prints figures.
//!
//! Seeds a fresh MariaDB database with realistic tenants, starts `opbx-local` on MariaDB + Redis,
//! and fires inbound voice webhooks over keep-alive HTTP connections:
//! - cached: open loop at `--rate` requests/s (default 500) for `--seconds` (default 10), latency
//!   measured from each request's scheduled send time, so queueing counts;
//! - uncached: one request at a time, each preceded by dropping the tenant's routing cache;
//! - the raw floor: Redis GET and MySQL point-select round trips from this process.
//!
//! Run (release build, services from scripts/services.sh):
//!   cargo build --release -p opbx-local && cargo build --release -p opbx-tests --bin bench-voice
//!   target/release/bench-voice --rate 500 --seconds 10
//! (`--bin` applies to every `-p`, so opbx-local needs its own build.)
//! Environment: OPBX_TEST_DATABASE_URL, OPBX_TEST_REDIS_URL (same defaults as the tests).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use opbx::adapters::sql::SqlStore;
use opbx::domain::destination::Destination;
use opbx::domain::e164::E164;
use opbx::domain::ids::*;
use opbx::domain::model::*;
use opbx::domain::now_ms;
use opbx::domain::timezone::Timezone;
use opbx::ports::business_hours::BusinessHoursRepo;
use opbx::ports::cloudonix_settings::CloudonixSettingsRepo;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::organizations::OrganizationRepo;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::ring_groups::RingGroupRepo;
use opbx_tests::local::LocalProcess;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

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
    let mut redis = redis
        .get_multiplexed_async_connection()
        .await
        .expect("Redis");

    // Warm every tenant's cache and the connections.
    let pool = Pool::connect(addr, CONNECTIONS).await;
    for t in &tenants {
        for n in &t.numbers {
            pool.voice(t, n).await;
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

    let uncached = {
        let mut samples = Vec::with_capacity(1000);
        let started = Instant::now();
        for i in 0..1000 {
            let t = &tenants[i % tenants.len()];
            let _: () = redis::cmd("DEL")
                .arg(format!("opbx:cache:{}", t.org))
                .query_async(&mut redis)
                .await
                .unwrap();
            let sent = Instant::now();
            pool.voice(t, &t.numbers[i % t.numbers.len()]).await;
            samples.push(sent.elapsed());
        }
        Stats::of(samples, started.elapsed())
    };

    let cached = open_loop(&pool, &tenants, rate, seconds).await;

    println!();
    println!(
        "{:<44} {:>9} {:>9} {:>9} {:>10}",
        "", "p50 ms", "p99 ms", "max ms", "req/s"
    );
    floor_redis.print("raw Redis GET round trip");
    floor_mysql.print("raw MySQL point select round trip");
    uncached.print("voice webhook, uncached config (sequential)");
    cached.print(&format!(
        "voice webhook, cached config ({rate}/s open loop)"
    ));
    println!(
        "\ncached p99 = {:.1}× the raw MySQL round trip, {:.1}× the raw Redis round trip \
         (each call also writes its call log to MariaDB and takes a lock, a replay record and a rate-limit count in Redis)",
        cached.p99 / floor_mysql.p99,
        cached.p99 / floor_redis.p99
    );
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

struct Stats {
    p50: f64,
    p99: f64,
    max: f64,
    rps: f64,
}

impl Stats {
    fn of(mut samples: Vec<Duration>, wall: Duration) -> Self {
        samples.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let at = |q: f64| ms(samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)]);
        Self {
            p50: at(0.50),
            p99: at(0.99),
            max: ms(*samples.last().unwrap()),
            rps: samples.len() as f64 / wall.as_secs_f64(),
        }
    }

    fn print(&self, what: &str) {
        println!(
            "{what:<44} {:>9.3} {:>9.3} {:>9.3} {:>10.0}",
            self.p50, self.p99, self.max, self.rps
        );
    }
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
async fn open_loop(pool: &Pool, tenants: &[Tenant], rate: u64, seconds: u64) -> Stats {
    let total = (rate * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let due = started + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let pool = pool.clone();
        let t = &tenants[i % tenants.len()];
        let (key, number) = (
            t.key.clone(),
            t.numbers[(i / tenants.len()) % t.numbers.len()].clone(),
        );
        tasks.push(tokio::spawn(async move {
            pool.send(&call_body(&number), &key).await;
            due.elapsed()
        }));
    }
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

/// Keep-alive HTTP/1.1 connections to opbx-local; a request takes whichever is free.
#[derive(Clone)]
struct Pool {
    free: Arc<Mutex<Vec<BufReader<TcpStream>>>>,
    addr: SocketAddr,
}

impl Pool {
    async fn connect(addr: SocketAddr, n: usize) -> Self {
        let mut conns = Vec::with_capacity(n);
        for _ in 0..n {
            let s = TcpStream::connect(addr).await.unwrap();
            s.set_nodelay(true).unwrap();
            conns.push(BufReader::new(s));
        }
        Self {
            free: Arc::new(Mutex::new(conns)),
            addr,
        }
    }

    async fn voice(&self, t: &Tenant, number: &str) {
        self.send(&call_body(number), &t.key).await;
    }

    async fn send(&self, body: &str, key: &str) {
        let conn = self.free.lock().await.pop();
        let mut conn = match conn {
            Some(c) => c,
            None => {
                let s = TcpStream::connect(self.addr).await.unwrap();
                s.set_nodelay(true).unwrap();
                BufReader::new(s)
            }
        };
        let request = format!(
            "POST /webhooks/cloudonix/voice HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {key}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        conn.get_mut().write_all(request.as_bytes()).await.unwrap();
        let mut status = String::new();
        conn.read_line(&mut status).await.unwrap();
        assert!(
            status.starts_with("HTTP/1.1 200"),
            "unexpected answer: {status}"
        );
        let mut length = 0;
        loop {
            let mut line = String::new();
            conn.read_line(&mut line).await.unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        conn.read_exact(&mut body).await.unwrap();
        // Every seeded number rings someone or takes a message; an apology would mean a
        // routing failure, which must not be timed as success.
        assert!(
            contains(&body, b"<Dial") || contains(&body, b"<Record"),
            "not routed: {}",
            String::from_utf8_lossy(&body)
        );
        self.free.lock().await.push(conn);
    }
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
        store
            .upsert_cloudonix_settings(&opbx_tests::model::webhook_settings(org.id, &key))
            .await
            .unwrap();
        let mut extensions = Vec::with_capacity(EXTENSIONS_PER_ORG);
        for e in 0..EXTENSIONS_PER_ORG {
            let ext = Extension {
                display_name: format!("User {e}"),
                do_not_disturb: e % 17 == 0,
                ..opbx_tests::model::extension(org.id, &format!("{}", 1000 + e))
            };
            store.create_extension(&ext).await.unwrap();
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
            store.create_ring_group(&group).await.unwrap();
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
            store.create_business_hours(&schedule).await.unwrap();
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
                .create_phone_number(&PhoneNumber {
                    id: PhoneNumberId::new(),
                    organization_id: org.id,
                    number: E164::parse(&number).unwrap(),
                    label: format!("Line {n}"),
                    destination,
                    status: Status::Active,
                    created_at: now,
                    updated_at: now,
                })
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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
