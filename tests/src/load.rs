//! Driving a running `opbx-local` with webhooks over keep-alive HTTP connections, and the
//! latency figures of the benchmarks (bench-voice, reliability).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

/// One HTTP answer as a client sees it. Status 0: the connection failed or closed without one.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub took: Duration,
}

impl Reply {
    /// A CXML document: 200, `application/xml`, and a body that parses as `<Response>`.
    pub fn is_cxml(&self) -> bool {
        self.status == 200
            && self.content_type.starts_with("application/xml")
            && opbx::cxml::parse(&self.body).is_ok_and(|doc| doc.name == "Response")
    }
}

/// Keep-alive HTTP/1.1 connections to opbx-local; a request takes whichever is free.
#[derive(Clone)]
pub struct Pool {
    free: Arc<Mutex<Vec<BufReader<TcpStream>>>>,
    addr: SocketAddr,
}

impl Pool {
    pub async fn connect(addr: SocketAddr, n: usize) -> Self {
        let mut conns = Vec::with_capacity(n);
        for _ in 0..n {
            conns.push(open(addr).await.expect("connect to opbx-local"));
        }
        Self {
            free: Arc::new(Mutex::new(conns)),
            addr,
        }
    }

    /// POSTs a JSON `body` to `path` with Cloudonix's bearer when given.
    pub async fn post(&self, path: &str, bearer: Option<&str>, body: &str) -> Reply {
        let auth = bearer
            .map(|k| format!("Authorization: Bearer {k}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: opbx\r\n{auth}Content-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.exchange(request).await
    }

    /// GETs `path` with an API token.
    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.exchange(format!(
            "GET {path} HTTP/1.1\r\nHost: opbx\r\nAuthorization: Bearer {token}\r\n\r\n"
        ))
        .await
    }

    async fn exchange(&self, request: String) -> Reply {
        let started = Instant::now();
        let pooled = self.free.lock().await.pop();
        let conn = match pooled {
            Some(c) => Some(c),
            None => open(self.addr).await.ok(),
        };
        let failed = |started: Instant| Reply {
            status: 0,
            content_type: String::new(),
            body: String::new(),
            took: started.elapsed(),
        };
        let Some(mut conn) = conn else {
            return failed(started);
        };
        match roundtrip(&mut conn, request.as_bytes()).await {
            Ok((status, content_type, body)) => {
                self.free.lock().await.push(conn);
                Reply {
                    status,
                    content_type,
                    body,
                    took: started.elapsed(),
                }
            }
            Err(_) => failed(started),
        }
    }
}

async fn open(addr: SocketAddr) -> std::io::Result<BufReader<TcpStream>> {
    let s = TcpStream::connect(addr).await?;
    s.set_nodelay(true)?;
    Ok(BufReader::new(s))
}

async fn roundtrip(
    conn: &mut BufReader<TcpStream>,
    request: &[u8],
) -> std::io::Result<(u16, String, String)> {
    conn.get_mut().write_all(request).await?;
    let mut status = String::new();
    conn.read_line(&mut status).await?;
    let status = status
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let (mut length, mut content_type) = (0, String::new());
    loop {
        let mut line = String::new();
        if conn.read_line(&mut line).await? == 0 {
            return Err(std::io::Error::other("closed in the headers"));
        }
        if line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        } else if let Some(v) = lower.strip_prefix("content-type:") {
            content_type = v.trim().to_owned();
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).await?;
    Ok((
        status,
        content_type,
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

/// Latency figures of a set of samples, in milliseconds.
pub struct Stats {
    pub n: usize,
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    pub rps: f64,
}

impl Stats {
    pub fn of(mut samples: Vec<Duration>, wall: Duration) -> Self {
        if samples.is_empty() {
            samples.push(Duration::ZERO);
        }
        samples.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let at = |q: f64| ms(samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)]);
        Self {
            n: samples.len(),
            p50: at(0.50),
            p99: at(0.99),
            max: ms(*samples.last().unwrap()),
            rps: samples.len() as f64 / wall.as_secs_f64(),
        }
    }

    pub fn print(&self, what: &str) {
        println!(
            "{what:<52} {:>9.3} {:>9.3} {:>9.3} {:>10.0}",
            self.p50, self.p99, self.max, self.rps
        );
    }
}
