//! An IVR menu whose prompt is an uploaded recording: the answer plays a fresh signed link under
//! the deployment's public URL, and that link fetches the audio without a login.

use opbx::cxml::Element;
use opbx::domain::ids::IvrMenuId;
use opbx::ports::ivr_menus::IvrMenuRepo;
use opbx_tests::model::stored_recording;
use opbx_tests::{Backend, TEST_PUBLIC_URL, unique};
use serde_json::json;
use tower::ServiceExt;

use crate::fixture::Fixture;

fn plays(el: &Element) -> Vec<String> {
    let mut found: Vec<String> = el.children.iter().flat_map(plays).collect();
    if el.name == "Play" {
        found.insert(0, el.text.clone());
    }
    found
}

async fn a_recorded_menu_prompt_plays_through_a_signed_link(b: Backend) {
    let fx = Fixture::new(b).await;
    let audio: Vec<u8> = [
        b"RIFF\x2c\x00\x00\x00WAVEfmt ".as_slice(),
        &[16, 0, 0, 0, 1, 0, 1, 0],
        &8000u32.to_le_bytes(),
        &16_000u32.to_le_bytes(),
        &[2, 0, 16, 0],
        b"data",
        &8u32.to_le_bytes(),
        &[0; 8],
    ]
    .concat();
    let recording = stored_recording(&fx.state, fx.org, audio.clone()).await;
    let menu_id: IvrMenuId = fx.id("Audio");
    let mut menu = fx.store().find_ivr_menu(fx.org, menu_id).await.unwrap();
    menu.prompt_recording_id = Some(recording.id);
    fx.store().update_ivr_menu(&menu, &[]).await.unwrap();

    let call_sid = format!("call-{}", unique());
    let answer = fx
        .post(
            &format!("{TEST_PUBLIC_URL}/webhooks/cloudonix/voice"),
            json!({"CallSid": call_sid, "Session": format!("s-{call_sid}"), "From": "+15551230000",
                   "To": "+12125550131", "Direction": "inbound", "Domain": "acme.cloudonix.net",
                   "CallStatus": "in-progress"}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let links = plays(&answer.doc());
    assert_eq!(links.len(), 1, "{}", answer.body);
    let path = links[0]
        .strip_prefix(TEST_PUBLIC_URL)
        .unwrap_or_else(|| panic!("a link of this deployment: {}", links[0]));
    assert!(path.starts_with("/media/"), "{path}");

    let fetched = opbx::http::media::router(fx.state.clone())
        .oneshot(
            axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["content-type"], "audio/wav");
    let body = http_body_util::BodyExt::collect(fetched.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(body.as_ref(), audio.as_slice());
}

opbx_tests::on_both_backends!(a_recorded_menu_prompt_plays_through_a_signed_link);
