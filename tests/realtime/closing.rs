//! Losing the right to a WebSocket closes it at once (ARCHITECTURE §6): a logged-out session, a
//! deactivated user and a suspended organization, through the API routes that make those changes,
//! on real sockets. Once with the local hub (opbx-local) and once as in AWS: the registry in
//! DynamoDB (moto) and the sockets closed through the Management API adapter
//! (`DeleteConnection`), here against opbx-local's API Gateway-compatible `@connections`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use opbx::adapters::memory::ws_hub::LocalHub;
use opbx::app::AppState;
use opbx::domain::ids::{OrgId, UserId};
use opbx::domain::model::{Role, Status, User};
use opbx::domain::now_ms;
use opbx::ports::users::UserRepo;
use opbx::realtime::Realtime;
use opbx_aws::apigw::ManagementApiPush;
use opbx_aws::dynamodb::connections::DynamoConnections;
use opbx_tests::accounts::user_token;
use opbx_tests::realtime::{RealtimeOrg, WsClient, http, moto_tables, ws_connect};
use tokio_tungstenite::tungstenite::Message;

/// Well inside the 60 s ARCHITECTURE §6 allows: the close is immediate, this is scheduling slack.
const WAIT: Duration = Duration::from_secs(5);

async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

async fn add_user(state: &AppState, org: OrgId, role: Role) -> User {
    let now = now_ms();
    let user = User {
        id: UserId::new(),
        organization_id: org,
        email: format!("user-{}@example.com", opbx_tests::unique()),
        name: "User".into(),
        password_hash: "unused".into(),
        role,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    state.store.create_user(&user, &[]).await.unwrap();
    user
}

async fn operator_token(state: &AppState) -> String {
    let operator = opbx_tests::accounts::add_operator(state, "unused".into()).await;
    opbx_tests::accounts::operator_token(state, &operator).await
}

/// `true` when the server closes the socket within [`WAIT`].
async fn closed(ws: &mut WsClient) -> bool {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return false,
            Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

/// Still open: a ping is answered.
async fn answers(ws: &mut WsClient) -> bool {
    if ws.send(Message::Text("ping".into())).await.is_err() {
        return false;
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return text.contains("pong"),
            Ok(Some(Ok(_))) => continue,
            _ => return false,
        }
    }
}

async fn call(addr: SocketAddr, method: &str, path: &str, bearer: &str, body: &str) -> u16 {
    let auth = format!("Bearer {bearer}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    http(addr, method, path, &headers, body.as_bytes()).await.0
}

/// Sockets served from `ws_state`; the API routes served from `api_state`, which closes them.
async fn sessions_users_and_organizations_lose_their_sockets(
    ws_state: AppState,
    api_state: AppState,
) {
    let ws = serve(opbx::http::ws::local::router(ws_state.clone())).await;
    let auth = serve(opbx::http::api::auth::router(api_state.clone())).await;
    let users = serve(opbx::http::api::users::router(api_state.clone())).await;
    let platform = serve(opbx::http::api::platform::router(api_state.clone())).await;

    let a = RealtimeOrg::create(&api_state.store).await;
    let owner = add_user(&api_state, a.org.id, Role::Owner).await;
    let (owner_tab_1, owner_tab_2) = (
        user_token(&api_state, &owner).await,
        user_token(&api_state, &owner).await,
    );
    let mut first_session = ws_connect(ws, &owner_tab_1).await;
    let mut second_session = ws_connect(ws, &owner_tab_2).await;
    let mut watcher = ws_connect(ws, &a.api_token).await;
    let b = RealtimeOrg::create(&api_state.store).await;
    let mut elsewhere = ws_connect(ws, &b.api_token).await;

    // Logout ends that session's socket, not the same user's other session.
    assert_eq!(
        call(auth, "POST", "/api/v1/auth/logout", &owner_tab_1, "").await,
        204
    );
    assert!(
        closed(&mut first_session).await,
        "the logged-out session's socket stays open"
    );
    assert!(answers(&mut second_session).await);

    // Deactivating a user ends all of theirs.
    let path = format!("/api/v1/users/{}", a.user.id);
    let status = call(
        users,
        "PATCH",
        &path,
        &owner_tab_2,
        r#"{"status":"inactive"}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        closed(&mut watcher).await,
        "the deactivated user's socket stays open"
    );
    assert!(answers(&mut second_session).await);

    // Suspending the organization ends every socket of it, and none of another.
    let op = operator_token(&api_state).await;
    let path = format!("/api/v1/platform/organizations/{}/suspend", a.org.id);
    assert_eq!(call(platform, "POST", &path, &op, "").await, 200);
    assert!(
        closed(&mut second_session).await,
        "the suspended organization's socket stays open"
    );
    assert!(answers(&mut elsewhere).await);
    let left = api_state.realtime.connections.list_connections(a.org.id);
    assert!(
        left.await.unwrap().is_empty(),
        "closed sockets are forgotten"
    );
}

#[tokio::test]
async fn on_the_local_hub_lost_rights_close_the_socket() {
    let backend = opbx_tests::Backend::embedded().await;
    let state = backend.app_state();
    sessions_users_and_organizations_lose_their_sockets(state.clone(), state).await
}

#[tokio::test]
async fn as_in_aws_lost_rights_close_the_socket_through_the_management_api() {
    let (client, _, table) = moto_tables().await;
    let backend = opbx_tests::Backend::production().await;
    let connections = Arc::new(DynamoConnections::new(client, table));
    // API Gateway's side: the sockets, registered in DynamoDB by `$connect`.
    let hub = Arc::new(LocalHub::default());
    let mut ws_state = backend.app_state();
    ws_state.realtime = Realtime {
        connections: connections.clone(),
        push: hub.clone(),
        hub,
        ..Realtime::in_memory()
    };
    let gateway = serve(opbx::http::ws::local::router(ws_state.clone())).await;
    // The API functions' side: the same registry, closing through the Management API.
    let mut api_state = ws_state.clone();
    api_state.realtime = Realtime {
        connections,
        push: Arc::new(ManagementApiPush::connect(&format!("http://{gateway}")).await),
        ..Realtime::in_memory()
    };
    sessions_users_and_organizations_lose_their_sockets(ws_state, api_state).await
}
