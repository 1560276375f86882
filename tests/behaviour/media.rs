//! Media storage's behaviour, the same in a local directory and in Amazon S3 (moto): what is put
//! is got back byte for byte and replaced by the next put, keys of two organizations stay apart,
//! a deleted or never stored object is not found, and deleting twice is not an error.

use std::time::Duration;

use hyper::body::Bytes;
use opbx::adapters::media::s3::S3Media;
use opbx::domain::ids::{OrgId, RecordingId};
use opbx::ports::media::{MediaError, MediaKey, MediaStore};
use opbx_tests::{temp_media, unique};

async fn behaves_as_media_storage(media: &dyn MediaStore) {
    let (org, other_org, id) = (OrgId::new(), OrgId::new(), RecordingId::new());
    let key = MediaKey::recording(org, id);
    let audio = Bytes::from((0..=255u8).cycle().take(70_000).collect::<Vec<u8>>());

    assert!(matches!(media.get(&key).await, Err(MediaError::NotFound)));
    media.put(&key, "audio/wav", audio.clone()).await.unwrap();
    assert_eq!(media.get(&key).await.unwrap(), audio);

    // The same object id under another organization is another object.
    let elsewhere = MediaKey::recording(other_org, id);
    assert!(matches!(
        media.get(&elsewhere).await,
        Err(MediaError::NotFound)
    ));

    media
        .put(&key, "audio/mpeg", Bytes::from_static(b"second"))
        .await
        .unwrap();
    assert_eq!(
        media.get(&key).await.unwrap(),
        Bytes::from_static(b"second")
    );

    media.delete(&key).await.unwrap();
    assert!(matches!(media.get(&key).await, Err(MediaError::NotFound)));
    media
        .delete(&key)
        .await
        .expect("deleting again is no error");
}

#[tokio::test]
async fn a_local_directory() {
    let (media, _dir) = temp_media();
    behaves_as_media_storage(media.as_ref()).await;
    assert_eq!(
        media
            .presigned_url(
                &MediaKey::recording(OrgId::new(), RecordingId::new()),
                Duration::from_secs(60)
            )
            .unwrap(),
        None,
        "OpBX signs the URLs of a directory itself"
    );
}

fn s3_on_the_emulator() -> S3Media {
    assert!(
        std::env::var("AWS_ENDPOINT_URL_S3").is_ok(),
        "AWS_ENDPOINT_URL_S3 is not set: run `eval \"$(bash scripts/moto.sh)\"` (scripts/test.sh does it)"
    );
    S3Media::connect(&format!("opbx-media-{}", &unique()[24..])).unwrap()
}

#[tokio::test]
async fn amazon_s3_on_the_emulator() {
    let media = s3_on_the_emulator();
    media.create_bucket().await.unwrap();
    behaves_as_media_storage(&media).await;
}

/// The bucket is private: an object is fetched without credentials only through a presigned URL,
/// which names the object and its lifetime. (The emulator checks neither signatures nor expiry,
/// so refusing altered and expired links is S3's own part; OpBX's own links are tested in
/// tests/api/media_links.rs.)
#[tokio::test]
async fn s3_objects_are_reached_only_through_presigned_urls() {
    let media = s3_on_the_emulator();
    media.create_bucket().await.unwrap();
    let key = MediaKey::recording(OrgId::new(), RecordingId::new());
    media
        .put(&key, "audio/mpeg", Bytes::from_static(b"ID3 audio"))
        .await
        .unwrap();
    let url = media
        .presigned_url(&key, Duration::from_secs(600))
        .unwrap()
        .expect("S3 presigns");
    assert_eq!(fetch(&url).await, (200, b"ID3 audio".to_vec()));
    let (object, query) = url.split_once('?').unwrap();
    assert!(object.ends_with(key.as_str()), "{url}");
    assert!(query.contains("X-Amz-Expires=600"), "{url}");
    assert!(query.contains("X-Amz-Signature="), "{url}");
    assert_eq!(fetch(object).await.0, 403, "no credentials, no object");
}

/// A GET without credentials, as Cloudonix makes it: the status and body.
async fn fetch(url: &str) -> (u16, Vec<u8>) {
    use http_body_util::{BodyExt, Empty};
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Empty<Bytes>>();
    let response = client.get(url.parse().unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, body.to_vec())
}
