//! Sending email (invitations, password resets, voicemail). Messages carry one-time links and
//! callers' voices, so they are never logged whole: [`Mail`]'s `Debug` shows the recipient, the
//! subject and the attachments' names only.

use async_trait::async_trait;
use hyper::body::Bytes;

/// One message, in plain text and HTML, with files attached (none for most).
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
}

/// A file sent along with a [`Mail`] (a voicemail message's audio).
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file's name as the recipient sees it (`voicemail.wav`).
    pub filename: String,
    /// Its MIME type (`audio/wav`).
    pub content_type: String,
    pub bytes: Bytes,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let files: Vec<&str> = self
            .attachments
            .iter()
            .map(|a| a.filename.as_str())
            .collect();
        f.debug_struct("Mail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .field("attachments", &files)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The recipient address cannot be written into a message.
    #[error("invalid recipient address")]
    BadAddress,
    /// The mail server could not be reached or refused the message; details are for logs.
    #[error("mail could not be sent: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: &Mail) -> Result<(), MailError>;
    /// "smtp" or "outbox", for health reports and logs.
    fn backend(&self) -> &'static str;
}
