//! Without `OPBX_ENCRYPTION_KEY`, `opbx-local` keeps its key for secrets at rest in a file beside
//! the database, created on first start with owner-only permissions. Losing it makes stored SIP
//! passwords and API keys unreadable, so it is never overwritten.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

pub fn path() -> PathBuf {
    std::env::var_os("OPBX_KEY_FILE").map_or_else(|| PathBuf::from("opbx.key"), PathBuf::from)
}

pub fn load_or_create(path: &Path) -> std::io::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(key) => Ok(key.trim().to_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = opbx::crypto::SecretBox::generate_key();
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)?;
            writeln!(file, "{key}")?;
            tracing::info!("created encryption key file {}", path.display());
            Ok(key)
        }
        Err(e) => Err(e),
    }
}
