//! api-live-calls: `GET /api/v1/live-calls`. Its behaviour (order, ended calls, events) is tested
//! in the realtime test binary; here, who may list and that another tenant's calls never show.

use opbx::domain::live_call::LiveCall;
use opbx::domain::model::CallStatus;
use opbx::domain::now_ms;
use opbx_tests::unique;

use crate::cases::{Access, Case, EVERYONE, Prepared, prepare};

pub fn cases() -> Vec<Case> {
    vec![Case::new(
        "GET",
        "/api/v1/live-calls",
        Access::Roles(EVERYONE),
        |ctx| {
            prepare(async move {
                let now = now_ms();
                let call = LiveCall {
                    organization_id: ctx.org(),
                    call_id: format!("session-{}", unique()),
                    call_log_id: None,
                    direction: None,
                    from_number: "+12125550100".into(),
                    to_number: "1001".into(),
                    caller_name: None,
                    status: CallStatus::Ringing,
                    started_at: now,
                    answered_at: None,
                    ended_at: None,
                    updated_at: now,
                    location: None,
                };
                ctx.state
                    .realtime
                    .live_calls
                    .put_live_call(&call)
                    .await
                    .unwrap();
                Prepared::at("/api/v1/live-calls").marker(call.call_id)
            })
        },
    )]
}
