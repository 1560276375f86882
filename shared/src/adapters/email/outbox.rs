//! The embedded mailer: nothing leaves the machine. Each message is kept in memory (tests read
//! it back) and, when a folder is set, written there as `<time>-<recipient>.eml`, readable by
//! the owner only. The log names the recipient, the subject and the file, never the body: the
//! body holds a one-time link, and logs are read by more people than the mail's recipient.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::ports::email::{Mail, MailError, Mailer};

pub struct Outbox {
    dir: Option<PathBuf>,
    sent: Mutex<Vec<Mail>>,
}

impl Outbox {
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self {
            dir,
            sent: Mutex::new(Vec::new()),
        }
    }

    /// Every message sent so far, oldest first.
    pub fn sent(&self) -> Vec<Mail> {
        self.sent.lock().expect("outbox lock").clone()
    }

    fn write_file(&self, mail: &Mail) -> std::io::Result<Option<PathBuf>> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        std::fs::create_dir_all(dir)?;
        let safe_to: String = mail
            .to
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '@' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{}-{safe_to}.eml", crate::domain::now_ms()));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        write!(
            file,
            "To: {}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}",
            mail.to, mail.subject, mail.text
        )?;
        // The folder is for reading links; attachments are named, not kept.
        for a in &mail.attachments {
            write!(
                file,
                "\r\n[attached: {} ({} bytes)]",
                a.filename,
                a.bytes.len()
            )?;
        }
        Ok(Some(path))
    }
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        if mail.to.contains(['\r', '\n']) {
            return Err(MailError::BadAddress);
        }
        let file = self
            .write_file(mail)
            .map_err(|e| MailError::Unavailable(format!("mail folder: {e}")))?;
        match file {
            Some(path) => tracing::info!(
                to = %mail.to, subject = %mail.subject, file = %path.display(),
                "mail kept in the mail folder (no SMTP server configured)"
            ),
            None => tracing::info!(
                to = %mail.to, subject = %mail.subject,
                "mail kept in memory only (set OPBX_MAIL_DIR or OPBX_SMTP_URL to deliver it)"
            ),
        }
        self.sent.lock().expect("outbox lock").push(mail.clone());
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "outbox"
    }
}
