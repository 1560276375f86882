//! Email adapters (issue 12), chosen by `OPBX_MAIL_TRANSPORT` (see [`MailTransport`]):
//! [`smtp::SmtpMailer`] through any SMTP server, [`ses::SesMailer`] through Amazon SES's API,
//! and [`outbox::Outbox`], which keeps each message in the process and in `OPBX_MAIL_DIR` so a
//! newcomer on `opbx-local` can follow an invitation link without a mail server.

pub mod outbox;
pub mod ses;
pub mod smtp;

use std::sync::Arc;

use lettre::Message;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment as MimeAttachment, Body, Mailbox, MultiPart};

use crate::config::{MailConfig, MailTransport};
use crate::ports::email::{Mail, MailError, Mailer};

/// The mailer `config` names.
pub fn connect(config: &MailConfig) -> Result<Arc<dyn Mailer>, MailError> {
    Ok(match &config.transport {
        MailTransport::Smtp(url) => Arc::new(smtp::SmtpMailer::new(url, &config.from)?),
        MailTransport::Ses => Arc::new(ses::SesMailer::from_env(&config.from)?),
        MailTransport::Outbox => Arc::new(outbox::Outbox::new(config.dir.clone())),
    })
}

/// `OPBX_MAIL_FROM` as a mailbox.
fn sender(from: &str) -> Result<Mailbox, MailError> {
    from.parse()
        .map_err(|_| MailError::Unavailable(format!("OPBX_MAIL_FROM {from:?} is not an address")))
}

/// `mail` as one MIME message from `from`: plain text and HTML as alternatives, inside a
/// `multipart/mixed` with the attachments when there are any. SMTP sends it as it is, SES as its
/// raw content.
fn mime(from: &Mailbox, mail: &Mail) -> Result<Message, MailError> {
    let to: Mailbox = mail.to.parse().map_err(|_| MailError::BadAddress)?;
    let body = MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone());
    let body = match mail.attachments.split_first() {
        None => body,
        Some((first, rest)) => {
            let part = |a: &crate::ports::email::Attachment| {
                let kind = ContentType::parse(&a.content_type).map_err(|_| {
                    MailError::Unavailable(format!("attachment type {:?}", a.content_type))
                })?;
                // Always base64: lettre would pick 7bit for mostly-ASCII bytes, which must not
                // carry the NULs a WAV header has.
                let data = Body::new_with_encoding(a.data.clone(), ContentTransferEncoding::Base64)
                    .map_err(|_| MailError::Unavailable("attachment encoding".into()))?;
                Ok(MimeAttachment::new(a.filename.clone()).body(data, kind))
            };
            let mut mixed = MultiPart::mixed().multipart(body).singlepart(part(first)?);
            for a in rest {
                mixed = mixed.singlepart(part(a)?);
            }
            mixed
        }
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&mail.subject)
        .multipart(body)
        .map_err(|_| MailError::BadAddress)
}
