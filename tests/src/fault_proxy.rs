//! A TCP proxy on loopback that can take a store away from the code under test without touching
//! the shared MariaDB/Redis servers other test runs use: `Pass` forwards, `Blackhole` keeps every
//! connection open but moves no byte either way until the mode changes back (a paused server or a
//! network partition: the worst case for a client, which only a deadline ends; like TCP, nothing
//! is lost, it arrives late), `Refuse` closes every connection and each new one at once (a
//! stopped server).

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Pass,
    Blackhole,
    Refuse,
}

pub struct FaultProxy {
    addr: SocketAddr,
    mode: watch::Sender<Mode>,
    accept: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let (mode, _) = watch::channel(Mode::Pass);
        let modes = mode.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let mode = modes.subscribe();
                if *mode.borrow() == Mode::Refuse {
                    continue; // dropped: the client sees the connection closed
                }
                tokio::spawn(relay(client, upstream, mode));
            }
        });
        Self { addr, mode, accept }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }

    /// `url` (`scheme://[user@]host[:port]/rest`) with its host and port replaced by the proxy's,
    /// for the code under test to connect through it.
    pub fn url_for(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").expect("scheme://host:port/…");
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let credentials = authority.rsplit_once('@').map(|(c, _)| format!("{c}@"));
        format!(
            "{scheme}://{}{}/{path}",
            credentials.unwrap_or_default(),
            self.addr
        )
    }
}

/// The loopback address a `scheme://[user@]host[:port]/…` URL points at (`default_port` when it
/// names none), which a proxy forwards to.
pub fn upstream(url: &str, default_port: u16) -> SocketAddr {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap();
    let host_port = authority.rsplit('@').next().unwrap();
    let host_port = host_port.replace("localhost", "127.0.0.1");
    if host_port.contains(':') {
        host_port.parse().expect("host:port")
    } else {
        format!("{host_port}:{default_port}").parse().expect("host")
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.mode.send_replace(Mode::Refuse);
    }
}

async fn relay(mut client: TcpStream, upstream: SocketAddr, mut mode: watch::Receiver<Mode>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut client_in, mut client_out) = client.split();
    let (mut server_in, mut server_out) = server.split();
    let (mut up, mut down) = (vec![0u8; 16 * 1024], vec![0u8; 16 * 1024]);
    loop {
        let now = *mode.borrow_and_update();
        match now {
            Mode::Refuse => return,
            Mode::Blackhole => {
                if mode.changed().await.is_err() {
                    return;
                }
            }
            Mode::Pass => {
                tokio::select! {
                    read = client_in.read(&mut up) => match read {
                        Ok(0) | Err(_) => return,
                        Ok(n) => if server_out.write_all(&up[..n]).await.is_err() { return },
                    },
                    read = server_in.read(&mut down) => match read {
                        Ok(0) | Err(_) => return,
                        Ok(n) => if client_out.write_all(&down[..n]).await.is_err() { return },
                    },
                    changed = mode.changed() => if changed.is_err() { return },
                }
            }
        }
    }
}
