//! Sending email (invitations, password resets). Messages carry one-time links, so they are
//! never logged whole: [`Mail`]'s `Debug` shows the recipient and subject only.

use async_trait::async_trait;

/// One message, in plain text and HTML.
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("to", &self.to)
            .field("subject", &self.subject)
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
