//! Mail through Amazon SES's API: SESv2 `SendEmail` with the whole message as raw MIME (the one
//! the SMTP adapter sends), so text, HTML and attachments arrive as built. Signed by hand through
//! [`AwsHttp`] like OpBX's other AWS calls, with the function's role credentials: no SDK crate,
//! no SMTP credentials to keep in a secret. The sender (`OPBX_MAIL_FROM`) must be an identity
//! SES has verified. The endpoint is the regional one unless `AWS_ENDPOINT_URL_SESV2` (the SDKs'
//! variable) names another (tests: moto).

use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::body::Bytes;
use lettre::message::Mailbox;
use serde_json::json;

use crate::adapters::aws_json::{AwsHttp, Signing};
use crate::ports::email::{Mail, MailError, Mailer};

/// SES answers within a second; an invitation can wait a little longer than that, not a
/// Lambda's whole timeout.
const TIMEOUT: Duration = Duration::from_secs(5);

const SEND_EMAIL: &str = "/v2/email/outbound-emails";

pub struct SesMailer {
    http: AwsHttp,
    from: Mailbox,
}

impl SesMailer {
    /// Sends as `from` with the region and credentials of the AWS environment.
    pub fn from_env(from: &str) -> Result<Self, MailError> {
        let endpoint = std::env::var("AWS_ENDPOINT_URL_SESV2")
            .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
            .ok()
            .filter(|v| !v.trim().is_empty());
        let http = AwsHttp::from_env_at_host("ses", "email", endpoint, TIMEOUT)
            .map_err(|e| MailError::Unavailable(e.to_string()))?;
        Ok(Self {
            http,
            from: super::sender(from)?,
        })
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let raw = super::mime(&self.from, mail)?.formatted();
        let request = json!({
            "FromEmailAddress": self.from.to_string(),
            "Destination": {"ToAddresses": [mail.to]},
            "Content": {"Raw": {"Data": STANDARD.encode(raw)}},
        });
        let answer = self
            .http
            .send(
                Signing::Json,
                "POST",
                SEND_EMAIL,
                &[("content-type", "application/json")],
                Bytes::from(request.to_string()),
            )
            .await
            .map_err(|e| MailError::Unavailable(e.to_string()))?;
        if answer.status != 200 {
            // SES's error names the problem (an unverified sender, a suppressed recipient) and
            // never the message.
            let detail = String::from_utf8_lossy(&answer.body);
            return Err(MailError::Unavailable(format!(
                "SES refused the mail: {} {}",
                answer.status,
                detail.chars().take(300).collect::<String>()
            )));
        }
        tracing::info!(to = %mail.to, subject = %mail.subject, "mail sent through SES");
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "ses"
    }
}
