//! Media in a local directory, one file per object at its key's path. Files are written to a
//! temporary name and renamed, so a reader never sees half an upload.

use std::io::ErrorKind;
use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use hyper::body::Bytes;

use crate::ports::media::{MediaError, MediaKey, MediaStore};

pub struct DirectoryMedia {
    root: PathBuf,
}

impl DirectoryMedia {
    /// Media under `root`, created on the first write.
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn path(&self, key: &MediaKey) -> PathBuf {
        self.root.join(key.as_str())
    }
}

fn failed(e: std::io::Error) -> MediaError {
    match e.kind() {
        ErrorKind::NotFound => MediaError::NotFound,
        _ => MediaError::Unavailable(e.to_string()),
    }
}

/// Runs file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, MediaError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| MediaError::Unavailable(e.to_string()))?
        .map_err(failed)
}

#[async_trait]
impl MediaStore for DirectoryMedia {
    async fn put(
        &self,
        key: &MediaKey,
        _content_type: &str,
        bytes: Bytes,
    ) -> Result<(), MediaError> {
        let path = self.path(key);
        blocking(move || {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let partial = path.with_extension(format!("partial-{}", uuid::Uuid::now_v7()));
            std::fs::write(&partial, &bytes)?;
            std::fs::rename(&partial, &path).inspect_err(|_| {
                let _ = std::fs::remove_file(&partial);
            })
        })
        .await
    }

    async fn get(&self, key: &MediaKey) -> Result<Bytes, MediaError> {
        let path = self.path(key);
        blocking(move || std::fs::read(path).map(Bytes::from)).await
    }

    async fn delete(&self, key: &MediaKey) -> Result<(), MediaError> {
        let path = self.path(key);
        match blocking(move || std::fs::remove_file(path)).await {
            Err(MediaError::NotFound) => Ok(()),
            other => other,
        }
    }

    fn presigned_url(&self, _key: &MediaKey, _ttl: Duration) -> Result<Option<String>, MediaError> {
        Ok(None)
    }

    fn backend(&self) -> &'static str {
        "directory"
    }
}
