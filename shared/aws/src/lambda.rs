//! Lambda entry points of the functions that keep real-time state in AWS. Like `opbx::lambda`,
//! each is one non-generic function, so the runtime's code is compiled once, in the library.

use aws_lambda_events::event::dynamodb::Event;
use axum::Router;
use lambda_http::lambda_runtime::{LambdaEvent, service_fn};
use opbx::app::AppState;
use opbx::config::Config;
use opbx::http::ws::WsRoute;
use opbx::lambda::{Error, block_on};

use crate::dynamodb::live_calls::publish_stream;

/// Entry point of the HTTP functions that track calls (the webhooks) or read live calls:
/// `opbx::lambda::serve` with the DynamoDB live-calls store.
pub fn serve(name: &'static str, make: fn(AppState) -> Router) -> Result<(), Error> {
    opbx::lambda::serve_with(name, make, crate::realtime)
}

/// Entry point of ws-connect and ws-disconnect, which keep the connection registry in DynamoDB.
pub fn websocket(route: WsRoute) -> Result<(), Error> {
    opbx::lambda::websocket(route, crate::realtime)
}

/// Entry point of presence-fanout: batches of the live-calls table's DynamoDB stream, posted to
/// the organizations' connections. It needs only the real-time stores, not the database.
pub fn presence_fanout() -> Result<(), Error> {
    block_on(async move {
        let config = Config::from_env()?;
        let realtime = &config.realtime;
        if realtime.connections_table.is_none() || realtime.management_endpoint.is_none() {
            return Err(
                "presence-fanout needs OPBX_CONNECTIONS_TABLE, OPBX_LIVE_CALLS_TABLE and \
                 AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI"
                    .into(),
            );
        }
        let fanout = crate::realtime_with_push(realtime).await.fanout();
        let handler = service_fn(move |event: LambdaEvent<Event>| {
            let fanout = fanout.clone();
            async move {
                let report = publish_stream(&fanout, &event.payload).await?;
                tracing::info!(
                    records = event.payload.records.len(),
                    delivered = report.delivered,
                    gone = report.gone,
                    failed = report.failed,
                    "live-call changes fanned out"
                );
                opbx::observe::emf::flush();
                Ok::<_, Error>(())
            }
        });
        lambda_http::lambda_runtime::run(handler).await
    })
}
