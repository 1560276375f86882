//! Starting the real `opbx-local` binary for end-to-end tests.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

/// The binary of this build profile (`target/<profile>/opbx-local`), beside a test executable's
/// `deps/` or beside a binary such as the benchmark; built by `cargo build --workspace --bins`,
/// which the test command runs first.
pub fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("OPBX_LOCAL_BIN") {
        return p.into();
    }
    built_binary("opbx-local")
}

/// The workspace binary `name` of this build profile (a function's `bootstrap`, `opbx-local`).
pub fn built_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().expect("target/<profile>[/deps]");
    let profile_dir = if dir.ends_with("deps") {
        dir.parent().expect("target/<profile>")
    } else {
        dir
    };
    let bin = profile_dir.join(name);
    assert!(
        bin.is_file(),
        "{} is missing: build it with `cargo build --workspace --bins` (scripts/test.sh does)",
        bin.display()
    );
    bin
}

pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("opbx-e2e-{}", crate::unique()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub struct LocalProcess {
    child: Child,
    addr: SocketAddr,
    lines: mpsc::UnboundedReceiver<String>,
    output: String,
}

fn command(bin: &Path, dir: &Path, env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("OPBX_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

impl LocalProcess {
    /// Starts the binary in `dir` on a free port and waits until it listens.
    pub async fn start(dir: &Path, env: &[(&str, &str)]) -> Self {
        Self::start_binary(&binary(), dir, env).await
    }

    /// Like [`LocalProcess::start`] with an explicit binary (benchmarks run the release build).
    pub async fn start_binary(bin: &Path, dir: &Path, env: &[(&str, &str)]) -> Self {
        let mut child = command(bin, dir, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start opbx-local");
        let (tx, lines) = mpsc::unbounded_channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn tokio::io::AsyncRead + Unpin + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream).lines();
                while let Ok(Some(line)) = reader.next_line().await {
                    let _ = tx.send(line);
                }
            });
        }
        let mut process = Self {
            child,
            addr: "0.0.0.0:0".parse().unwrap(),
            lines,
            output: String::new(),
        };
        process.addr = process.wait_for_listen().await;
        process
    }

    async fn wait_for_listen(&mut self) -> SocketAddr {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let line = tokio::time::timeout_at(deadline, self.lines.recv())
                .await
                .unwrap_or_else(|_| panic!("opbx-local did not start listening:\n{}", self.output))
                .unwrap_or_else(|| panic!("opbx-local exited before listening:\n{}", self.output));
            self.output.push_str(&line);
            self.output.push('\n');
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let addr = rest.split_whitespace().next().unwrap();
                return addr.parse().unwrap();
            }
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The process id, for reading its memory and CPU from /proc.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    /// Everything the process printed up to now.
    pub fn output(&mut self) -> &str {
        while let Ok(line) = self.lines.try_recv() {
            self.output.push_str(&line);
            self.output.push('\n');
        }
        &self.output
    }

    /// Kills the process at once (SIGKILL), as a crash or a power cut would.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("kill opbx-local");
    }

    /// Sends SIGTERM and asserts the process exits successfully within `limit`.
    pub async fn terminate_gracefully(&mut self, limit: Duration) {
        let pid = self.child.id().expect("running").to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .unwrap();
        assert!(sent.success());
        let status = tokio::time::timeout(limit, self.child.wait())
            .await
            .expect("opbx-local stops within the limit after SIGTERM")
            .unwrap();
        assert!(
            status.success(),
            "clean exit after SIGTERM, got {status}:\n{}",
            self.output()
        );
    }

    /// Runs the binary to completion (for configurations that must refuse to start).
    pub async fn run_to_exit(dir: &Path, env: &[(&str, &str)]) -> std::process::Output {
        let child = command(&binary(), dir, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
            .await
            .expect("exits")
            .unwrap()
    }
}

/// A minimal HTTP/1.1 GET, enough to check what a browser or curl would get.
pub async fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    http_request(addr, "GET", path, &[], None).await
}

/// A minimal HTTP/1.1 request with extra headers and an optional JSON body.
pub async fn http_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    json: Option<&str>,
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect to opbx-local");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = json {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else {
        request.push_str("\r\n");
    }
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, body.to_owned())
}
