//! The job queue on Amazon SQS (JSON protocol), through the signed client of
//! [`super::aws_json`]. A message's body is the job id; its attributes are SQS's own. In AWS the
//! `jobs-worker` function receives messages from Lambda's event source mapping instead of
//! [`JobQueue::receive`], which tests and a self-hosted worker use.
//!
//! The endpoint is the regional one unless `AWS_ENDPOINT_URL_SQS` names another (tests: moto).

use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Value, json};

use super::aws_json::{AwsError, AwsJsonClient, Service};
use crate::domain::ids::JobId;
use crate::ports::jobs::{Delivery, JobQueue, MAX_DELAY, QueueError};

const SQS: Service = Service {
    name: "sqs",
    content_type: "application/x-amz-json-1.0",
    target_prefix: "AmazonSQS",
};

/// Long enough for a 20 s long poll.
const TIMEOUT: Duration = Duration::from_secs(25);

pub struct SqsJobQueue {
    client: AwsJsonClient,
    queue_url: String,
}

impl From<AwsError> for QueueError {
    fn from(e: AwsError) -> Self {
        QueueError::Unavailable(e.to_string())
    }
}

impl SqsJobQueue {
    /// The queue at `queue_url` (`OPBX_JOBS_QUEUE_URL`), with the region and credentials of the
    /// AWS environment.
    pub fn connect(queue_url: &str) -> Result<Self, QueueError> {
        let endpoint = std::env::var("AWS_ENDPOINT_URL_SQS")
            .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
            .ok()
            .filter(|v| !v.trim().is_empty());
        Ok(Self {
            client: AwsJsonClient::from_env(SQS, endpoint, TIMEOUT)?,
            queue_url: queue_url.to_owned(),
        })
    }

    /// Creates a queue (tests; the template creates the deployed one) and answers its URL.
    pub async fn create_queue(&self, name: &str) -> Result<String, QueueError> {
        let answer = self
            .client
            .call("CreateQueue", &json!({ "QueueName": name }))
            .await?;
        text(&answer, "QueueUrl").map(str::to_owned)
    }
}

fn text<'a>(value: &'a Value, field: &str) -> Result<&'a str, QueueError> {
    value[field]
        .as_str()
        .ok_or_else(|| QueueError::Invalid(format!("no {field}")))
}

/// SQS counts in whole seconds; rounding up never delivers early.
fn seconds(d: Duration) -> u64 {
    d.as_millis().div_ceil(1000) as u64
}

#[async_trait]
impl JobQueue for SqsJobQueue {
    async fn send(&self, job: JobId, delay: Duration) -> Result<(), QueueError> {
        let body = json!({
            "QueueUrl": self.queue_url,
            "MessageBody": job.to_string(),
            "DelaySeconds": seconds(delay.min(MAX_DELAY)),
        });
        self.client.call("SendMessage", &body).await?;
        Ok(())
    }

    async fn receive(
        &self,
        max: u32,
        wait: Duration,
        visibility: Duration,
    ) -> Result<Vec<Delivery>, QueueError> {
        let body = json!({
            "QueueUrl": self.queue_url,
            "MaxNumberOfMessages": max.clamp(1, 10),
            "WaitTimeSeconds": wait.as_secs().min(20),
            "VisibilityTimeout": seconds(visibility),
            "MessageSystemAttributeNames": ["ApproximateReceiveCount"],
            "AttributeNames": ["ApproximateReceiveCount"],
        });
        let answer = self.client.call("ReceiveMessage", &body).await?;
        let Some(messages) = answer["Messages"].as_array() else {
            return Ok(Vec::new());
        };
        messages
            .iter()
            .map(|m| {
                let job = text(m, "Body")?
                    .parse()
                    .map_err(|_| QueueError::Invalid("a message body is not a job id".into()))?;
                Ok(Delivery {
                    job,
                    receipt: text(m, "ReceiptHandle")?.to_owned(),
                    receive_count: m["Attributes"]["ApproximateReceiveCount"]
                        .as_str()
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(1),
                })
            })
            .collect()
    }

    async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError> {
        let body = json!({ "QueueUrl": self.queue_url, "ReceiptHandle": delivery.receipt });
        self.client.call("DeleteMessage", &body).await?;
        Ok(())
    }
}
