//! Support for the real-time tests and the WebSocket benchmark: organizations set up for webhooks
//! and WebSockets, Cloudonix payloads, the AWS emulator (moto), a raw HTTP client and a
//! WebSocket client.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::StreamExt;
use opbx::adapters::sql::SqlStore;
use opbx::crypto::{random_token, sha256_hex};
use opbx::domain::ids::{TokenId, UserId};
use opbx::domain::model::{ApiToken, CloudonixSettings, Organization, Role, Status, User};
use opbx::domain::now_ms;
use opbx::ports::users::{ApiTokenRepo, UserRepo};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

/// An organization with everything the real-time paths need, and its secrets in plain text.
pub struct RealtimeOrg {
    pub org: Organization,
    pub user: User,
    /// An API token of `user` (for `/ws?token=` and the API).
    pub api_token: String,
    /// Cloudonix's bearer for the voice and session webhooks.
    pub webhook_key: String,
    /// The secret segment of the organization's CDR URL.
    pub cdr_token: String,
    /// The organization's Cloudonix domain.
    pub domain: String,
}

impl RealtimeOrg {
    pub async fn create(store: &SqlStore) -> Self {
        let org = crate::new_org(store).await;
        let now = now_ms();
        let user = User {
            id: UserId::new(),
            organization_id: org.id,
            email: format!("watcher-{}@example.com", crate::unique()),
            name: "Watcher".into(),
            // Never logs in with a password: the tests give it a token directly.
            password_hash: "unused".into(),
            role: Role::Reporter,
            status: Status::Active,
            created_at: now,
            updated_at: now,
        };
        store.create_user(&user, &[]).await.expect("create user");
        let api_token = random_token();
        store
            .create_api_token(
                &ApiToken {
                    id: TokenId::new(),
                    organization_id: org.id,
                    user_id: user.id,
                    token_hash: sha256_hex(&api_token),
                    created_at: now,
                    expires_at: now + 3_600_000,
                    revoked_at: None,
                },
                &[],
            )
            .await
            .expect("create API token");
        let webhook_key = random_token();
        let cdr_token = random_token();
        let domain = format!("{}.cloudonix.net", org.slug);
        let settings = CloudonixSettings {
            organization_id: org.id,
            domain: Some(domain.clone()),
            webhook_key_hash: Some(sha256_hex(&webhook_key)),
            cdr_token_hash: Some(sha256_hex(&cdr_token)),
            updated_at: now,
            ..CloudonixSettings::new(org.id)
        };
        crate::model::save_webhook_settings(store, &settings).await;
        Self {
            org,
            user,
            api_token,
            webhook_key,
            cdr_token,
            domain,
        }
    }

    pub fn cdr_path(&self) -> String {
        format!("/webhooks/cloudonix/cdr/{}", self.cdr_token)
    }

    /// A session update as Cloudonix posts it for this organization's call `token`.
    pub fn session_update(&self, token: &str, status: &str) -> Value {
        json!({
            "id": 4711,
            "eventId": crate::unique(),
            "domain": self.domain,
            "token": token,
            "status": status,
            "direction": "incoming",
            "callerId": "+12125550100",
            "destination": "+442071234567",
            "createdAt": "2026-03-01T09:30:00Z",
            "modifiedAt": "2026-03-01T09:30:01Z",
            "callStartTime": 1_772_357_400_000i64,
            "action": "update",
        })
    }

    /// The CDR Cloudonix posts once a call `token` is over.
    pub fn cdr(&self, token: &str, disposition: &str) -> Value {
        let mut cdr = crate::fake_cloudonix::cdr_payload(token, disposition);
        cdr["domain"] = json!(self.domain);
        cdr
    }
}

/// The emulator's DynamoDB endpoint. Fails loudly (never skips) when the test environment lacks
/// it: `eval "$(bash scripts/moto.sh)"` starts moto and exports it; scripts/test.sh does that.
pub fn moto_endpoint() -> String {
    std::env::var("AWS_ENDPOINT_URL_DYNAMODB").unwrap_or_else(|_| {
        panic!(
            "AWS_ENDPOINT_URL_DYNAMODB is not set: the AWS tests need the emulator (endpoint and dummy credentials). \
             Run `eval \"$(bash scripts/moto.sh)\"` (scripts/test.sh does it)"
        )
    })
}

/// A DynamoDB client on moto with a live-calls and a connections table of this test's own.
pub async fn moto_tables() -> (opbx_aws::dynamodb::Client, String, String) {
    let endpoint = moto_endpoint();
    let client = opbx_aws::dynamodb::client();
    let suffix = crate::unique();
    let live = format!("live-calls-{suffix}");
    let connections = format!("connections-{suffix}");
    opbx_aws::dynamodb::create_live_calls_table(&client, &live)
        .await
        .unwrap_or_else(|e| {
            panic!("moto at {endpoint} does not answer ({e:?}); start it with scripts/moto.sh")
        });
    opbx_aws::dynamodb::create_connections_table(&client, &connections)
        .await
        .expect("create the connections table on moto");
    (client, live, connections)
}

/// The records of a table's DynamoDB stream on moto from the start, in the shape Lambda hands
/// them to presence-fanout (moto's GetRecords answer has that shape).
pub async fn stream_records(client: &opbx_aws::dynamodb::Client, table: &str) -> Value {
    let described = client
        .call("DescribeTable", &json!({ "TableName": table }))
        .await
        .expect("describe table");
    let arn = described["Table"]["LatestStreamArn"]
        .as_str()
        .expect("the live-calls table has a stream")
        .to_owned();
    let stream = streams_call("DescribeStream", json!({"StreamArn": arn})).await;
    let mut records = Vec::new();
    for shard in stream["StreamDescription"]["Shards"].as_array().unwrap() {
        let iterator = streams_call(
            "GetShardIterator",
            json!({"StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "TRIM_HORIZON"}),
        )
        .await;
        let got = streams_call(
            "GetRecords",
            json!({"ShardIterator": iterator["ShardIterator"]}),
        )
        .await;
        records.extend(got["Records"].as_array().unwrap().iter().cloned());
    }
    json!({ "Records": records })
}

/// One DynamoDB Streams API call on moto (which does not check signatures).
async fn streams_call(action: &str, body: Value) -> Value {
    let endpoint = moto_endpoint();
    let addr: SocketAddr = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("moto endpoint is http://host:port");
    let target = format!("DynamoDBStreams_20120810.{action}");
    let (status, text) = http(
        addr,
        "POST",
        "/",
        &[
            ("X-Amz-Target", target.as_str()),
            ("Content-Type", "application/x-amz-json-1.0"),
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, \
                 SignedHeaders=host, Signature=0",
            ),
        ],
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{action}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// A minimal HTTP/1.1 exchange on a fresh connection: status and body text.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await.unwrap();
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

/// POSTs a JSON webhook to a running opbx-local, with Cloudonix's bearer when given.
pub async fn post_webhook(
    addr: SocketAddr,
    path: &str,
    bearer: Option<&str>,
    body: &Value,
) -> (u16, String) {
    let auth = bearer.map(|k| format!("Bearer {k}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    http(addr, "POST", path, &headers, body.to_string().as_bytes()).await
}

pub type WsClient =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

/// A WebSocket client logged in with an API token, as the admin UI connects.
pub async fn ws_connect(addr: SocketAddr, token: &str) -> WsClient {
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws?token={token}"))
        .await
        .expect("WebSocket handshake");
    ws
}

/// The next JSON text message within `wait`, or `None`.
pub async fn next_json(ws: &mut WsClient, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let message = tokio::time::timeout_at(deadline, ws.next()).await.ok()??;
        match message.expect("WebSocket read") {
            Message::Text(text) => return Some(serde_json::from_str(&text).expect("JSON event")),
            Message::Close(_) => return None,
            _ => continue,
        }
    }
}
