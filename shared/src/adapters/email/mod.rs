//! Email adapters (issue 12): [`smtp::SmtpMailer`] when `OPBX_SMTP_URL` is set (any SMTP
//! server, including Amazon SES's SMTP interface), otherwise [`outbox::Outbox`], which keeps
//! each message in the process and in `OPBX_MAIL_DIR` so a newcomer on `opbx-local` can follow
//! an invitation link without a mail server.

pub mod outbox;
pub mod smtp;

use std::sync::Arc;

use crate::config::MailConfig;
use crate::ports::email::{MailError, Mailer};

/// The mailer `config` names.
pub fn connect(config: &MailConfig) -> Result<Arc<dyn Mailer>, MailError> {
    Ok(match &config.smtp_url {
        Some(url) => Arc::new(smtp::SmtpMailer::new(url, &config.from)?),
        None => Arc::new(outbox::Outbox::new(config.dir.clone())),
    })
}
