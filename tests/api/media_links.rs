//! The signed links `opbx-local` serves recordings by (`GET /media/{token}`): no login, the
//! audio as uploaded with its type, single byte ranges; an altered link 403, an expired one 410.

use opbx::domain::model::Role;
use opbx::http::media::router;
use opbx::media_links::{recording_url, token};
use opbx_tests::Backend;

use crate::config_support::Client;
use crate::fixtures::{Api, Reply, request, send};
use crate::recordings::{greeting_wav, upload};

async fn fetch(api: &Api, path: &str, range: Option<&str>) -> Reply {
    let mut req = request("GET", path, None, None);
    if let Some(range) = range {
        req.headers_mut().insert("range", range.parse().unwrap());
    }
    send(&router(api.state.clone()), req).await
}

async fn a_signed_link_plays_without_login_and_seeks(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let wav = greeting_wav();
    let id = upload(&admin, "greeting.wav", None, &wav).await.ok()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let url = recording_url(
        api.state.media.as_ref(),
        &api.state.secrets,
        Some("https://pbx.example"),
        t.org.id,
        id,
    )
    .unwrap();
    let path = url
        .strip_prefix("https://pbx.example")
        .expect("under the base");
    assert!(path.starts_with("/media/"), "{url}");

    let whole = fetch(&api, path, None).await;
    assert_eq!(whole.status, 200, "{}", whole.text);
    assert_eq!(
        (whole.header("content-type"), whole.header("accept-ranges")),
        (Some("audio/wav"), Some("bytes"))
    );
    let len = wav.len();
    assert_eq!(
        whole.header("content-length"),
        Some(len.to_string().as_str())
    );

    let head = fetch(&api, path, Some("bytes=0-43")).await;
    assert_eq!(head.status, 206);
    assert_eq!(
        head.header("content-range"),
        Some(format!("bytes 0-43/{len}").as_str())
    );
    assert_eq!(head.header("content-length"), Some("44"));
    let tail = fetch(&api, path, Some("bytes=-10")).await;
    assert_eq!(
        (tail.status.as_u16(), tail.header("content-range")),
        (
            206,
            Some(format!("bytes {}-{}/{len}", len - 10, len - 1).as_str())
        )
    );
    let beyond = fetch(&api, path, Some(&format!("bytes={len}-"))).await;
    assert_eq!(
        (beyond.status.as_u16(), beyond.header("content-range")),
        (416, Some(format!("bytes */{len}").as_str()))
    );

    // Deleted since the link was made: gone with it.
    admin.delete(&format!("/api/v1/recordings/{id}")).await;
    fetch(&api, path, None).await.problem(404);
}

async fn altered_and_expired_links_are_refused(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let id = upload(&admin, "greeting.wav", None, &greeting_wav())
        .await
        .ok()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = jiff::Timestamp::now().as_second();
    let good = token(&api.state.secrets, t.org.id, id, now + 60);
    assert_eq!(
        fetch(&api, &format!("/media/{good}"), None).await.status,
        200
    );

    // Another organization, a later expiry, a changed tag: all 403.
    let other_org = good.replacen(&t.org.id.to_string(), &other.org.id.to_string(), 1);
    let later = good.replacen(&(now + 60).to_string(), &(now + 86_400).to_string(), 1);
    let mut retagged = good.clone();
    let last = retagged.pop().unwrap();
    retagged.push(if last == 'A' { 'B' } else { 'A' });
    for forged in [other_org, later, retagged, "not-a-token".into()] {
        let r = fetch(&api, &format!("/media/{forged}"), None).await;
        r.problem(403);
        assert_eq!(r.json["detail"], "This link is not valid.", "{forged}");
    }

    let expired = token(&api.state.secrets, t.org.id, id, now - 1);
    let r = fetch(&api, &format!("/media/{expired}"), None).await;
    r.problem(410);
    assert_eq!(r.json["detail"], "This link has expired.");
}

opbx_tests::on_both_backends!(
    a_signed_link_plays_without_login_and_seeks,
    altered_and_expired_links_are_refused,
);
