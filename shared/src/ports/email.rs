//! Sending email (invitations, password resets). Messages carry one-time links, so they are
//! never logged whole: [`Mail`]'s `Debug` shows the recipient and subject only.

use async_trait::async_trait;

/// One message, in plain text and HTML, with files attached (a voicemail's audio).
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
}

/// A file sent with a [`Mail`].
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    /// Its MIME type, e.g. `audio/wav`.
    pub content_type: String,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .field("attachments", &self.attachments)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("bytes", &self.data.len())
            .finish()
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
    /// "smtp", "ses" or "outbox", for health reports and logs.
    fn backend(&self) -> &'static str;
}
