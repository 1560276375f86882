//! Media storage adapters: a local directory (embedded default) and Amazon S3.

pub mod directory;
pub mod s3;

use std::sync::Arc;

use crate::ports::media::{MediaError, MediaStore};

/// Where media goes: the S3 bucket `OPBX_MEDIA_BUCKET` when set, else the directory
/// `OPBX_MEDIA_DIR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaConfig {
    Directory(std::path::PathBuf),
    S3 { bucket: String },
}

pub const DEFAULT_MEDIA_DIR: &str = "opbx-media";

pub fn connect(config: &MediaConfig) -> Result<Arc<dyn MediaStore>, MediaError> {
    Ok(match config {
        MediaConfig::Directory(dir) => Arc::new(directory::DirectoryMedia::new(dir.clone())),
        MediaConfig::S3 { bucket } => Arc::new(s3::S3Media::connect(bucket)?),
    })
}
