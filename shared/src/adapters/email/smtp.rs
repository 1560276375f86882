//! Mail through an SMTP server (`lettre`), e.g. Amazon SES's SMTP interface on AWS. The URL is
//! lettre's: `smtps://user:pass@host` (TLS), `smtp://user:pass@host?tls=required` (STARTTLS) or
//! `smtp://host:port` (plain, for a local relay or a test sink).

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

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
        let from = from.parse().map_err(|_| {
            MailError::Unavailable(format!("OPBX_MAIL_FROM {from:?} is not an address"))
        })?;
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let to: Mailbox = mail.to.parse().map_err(|_| MailError::BadAddress)?;
        let body = MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone());
        let body = if mail.attachments.is_empty() {
            body
        } else {
            let mut mixed = MultiPart::mixed().multipart(body);
            for a in &mail.attachments {
                let content_type = ContentType::parse(&a.content_type).map_err(|_| {
                    MailError::Unavailable(format!("attachment type {:?}", a.content_type))
                })?;
                mixed = mixed.singlepart(
                    Attachment::new(a.filename.clone()).body(a.bytes.to_vec(), content_type),
                );
            }
            mixed
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .multipart(body)
            .map_err(|_| MailError::BadAddress)?;
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
