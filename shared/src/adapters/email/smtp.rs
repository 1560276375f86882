//! Mail through an SMTP server (`lettre`), e.g. Amazon SES's SMTP interface on AWS. The URL is
//! lettre's: `smtps://user:pass@host` (TLS), `smtp://user:pass@host?tls=required` (STARTTLS) or
//! `smtp://host:port` (plain, for a local relay or a test sink).

use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::ports::email::{Mail, MailError, Mailer};

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        // lettre's error text never includes the URL's credentials.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Unavailable(format!("OPBX_SMTP_URL: {e}")))?
            .build();
        Ok(Self {
            transport,
            from: super::sender(from)?,
        })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let message = super::mime(&self.from, mail)?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError::Unavailable(e.to_string()))?;
        tracing::info!(to = %mail.to, subject = %mail.subject, "mail sent");
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "smtp"
    }
}
