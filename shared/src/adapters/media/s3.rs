//! Media in a private Amazon S3 bucket, spoken to in S3's REST protocol through the signed client
//! of [`crate::adapters::aws_json`] (no generated SDK crate: every function links this, and the
//! zips must stay small). Objects are addressed path-style (`/bucket/key`); Cloudonix fetches
//! them through presigned URLs.
//!
//! The endpoint is the regional one unless `AWS_ENDPOINT_URL_S3` names another (tests: moto).

use std::time::Duration;

use async_trait::async_trait;
use hyper::body::Bytes;

use crate::adapters::aws_json::{AwsAnswer, AwsError, AwsHttp, Signing};
use crate::ports::media::{MediaError, MediaKey, MediaStore};

/// An upload is at most a few megabytes; this leaves room for a slow link.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct S3Media {
    http: AwsHttp,
    bucket: String,
}

impl From<AwsError> for MediaError {
    fn from(e: AwsError) -> Self {
        MediaError::Unavailable(e.to_string())
    }
}

impl S3Media {
    /// The bucket `bucket`, with the region and credentials of the AWS environment.
    pub fn connect(bucket: &str) -> Result<Self, MediaError> {
        let endpoint = std::env::var("AWS_ENDPOINT_URL_S3")
            .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
            .ok()
            .filter(|v| !v.trim().is_empty());
        Ok(Self {
            http: AwsHttp::from_env("s3", endpoint, TIMEOUT)?,
            bucket: bucket.to_owned(),
        })
    }

    /// Creates the bucket (tests; the template creates the deployed one).
    pub async fn create_bucket(&self) -> Result<(), MediaError> {
        let path = format!("/{}", self.bucket);
        let answer = self.send("PUT", &path, &[], Bytes::new()).await?;
        refused_unless(&answer, &[200])
    }

    fn path(&self, key: &MediaKey) -> String {
        format!("/{}/{}", self.bucket, key.as_str())
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<AwsAnswer, MediaError> {
        Ok(self
            .http
            .send(Signing::S3, method, path, headers, body)
            .await?)
    }
}

/// S3's error document names the code; its text is enough for the logs.
fn refused_unless(answer: &AwsAnswer, ok: &[u16]) -> Result<(), MediaError> {
    match answer.status {
        s if ok.contains(&s) => Ok(()),
        404 => Err(MediaError::NotFound),
        s => Err(MediaError::Unavailable(format!(
            "s3 answered {s}: {}",
            String::from_utf8_lossy(&answer.body)
        ))),
    }
}

#[async_trait]
impl MediaStore for S3Media {
    async fn put(
        &self,
        key: &MediaKey,
        content_type: &str,
        bytes: Bytes,
    ) -> Result<(), MediaError> {
        let answer = self
            .send(
                "PUT",
                &self.path(key),
                &[("content-type", content_type)],
                bytes,
            )
            .await?;
        refused_unless(&answer, &[200])
    }

    async fn get(&self, key: &MediaKey) -> Result<Bytes, MediaError> {
        let answer = self.send("GET", &self.path(key), &[], Bytes::new()).await?;
        refused_unless(&answer, &[200])?;
        Ok(answer.body)
    }

    async fn delete(&self, key: &MediaKey) -> Result<(), MediaError> {
        let answer = self
            .send("DELETE", &self.path(key), &[], Bytes::new())
            .await?;
        // S3 answers 204 whether or not the object was there.
        refused_unless(&answer, &[200, 204])
    }

    fn presigned_url(&self, key: &MediaKey, ttl: Duration) -> Result<Option<String>, MediaError> {
        Ok(Some(self.http.presign_get(&self.path(key), ttl)?))
    }

    fn backend(&self) -> &'static str {
        "s3"
    }
}
