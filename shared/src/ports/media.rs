//! Where uploaded audio lives: a private object store (S3 in AWS, a directory for `opbx-local`).
//! Objects are addressed by [`MediaKey`]s built from typed ids only, so a key always names one
//! organization's object and never a path a client chose.

use std::time::Duration;

use async_trait::async_trait;
use hyper::body::Bytes;

use crate::domain::ids::{OrgId, RecordingId, VoicemailId};

/// `<organization>/<kind>/<object>`: the organization first, so one tenant's media can be listed
/// or purged by prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MediaKey(String);

impl MediaKey {
    pub fn recording(org: OrgId, id: RecordingId) -> Self {
        Self(format!("{org}/recordings/{id}"))
    }

    /// Our copy of a voicemail message's audio.
    pub fn voicemail(org: OrgId, id: VoicemailId) -> Self {
        Self(format!("{org}/voicemail/{id}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("media object not found")]
    NotFound,
    /// The store could not be reached or failed; details are for logs, not for clients.
    #[error("media storage unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait MediaStore: Send + Sync {
    /// Stores `bytes` under `key`, replacing what was there. `content_type` is what a presigned
    /// URL answers with; what OpBX serves itself it types from the bytes.
    async fn put(&self, key: &MediaKey, content_type: &str, bytes: Bytes)
    -> Result<(), MediaError>;
    async fn get(&self, key: &MediaKey) -> Result<Bytes, MediaError>;
    /// Removes the object; removing one that is not there is not an error (a retried delete).
    async fn delete(&self, key: &MediaKey) -> Result<(), MediaError>;
    /// A URL that fetches the object without credentials until `ttl` passes, when the store can
    /// issue one itself (S3); `None`: OpBX signs and serves the URL (`/media/…`).
    fn presigned_url(&self, key: &MediaKey, ttl: Duration) -> Result<Option<String>, MediaError>;
    /// "s3" or "directory", for health reports and logs.
    fn backend(&self) -> &'static str;
}
