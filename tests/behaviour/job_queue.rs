//! The job queue's behaviour, the same on the in-process queue and on Amazon SQS (moto): what is
//! sent is delivered once acknowledged, not before its delay, and again (counted) when a
//! receiver does not acknowledge it within the visibility timeout.

use std::time::{Duration, Instant};

use opbx::adapters::memory::job_queue::MemoryJobQueue;
use opbx::adapters::sqs::SqsJobQueue;
use opbx::domain::ids::JobId;
use opbx::ports::jobs::{Delivery, JobQueue};
use opbx_tests::unique;

/// SQS counts whole seconds.
const VISIBILITY: Duration = Duration::from_secs(1);

/// Everything delivered within `within`, until `want` messages came.
async fn receive(queue: &dyn JobQueue, want: usize, within: Duration) -> Vec<Delivery> {
    let started = Instant::now();
    let mut got = Vec::new();
    while got.len() < want && started.elapsed() < within {
        got.extend(
            queue
                .receive(10, Duration::from_secs(1), VISIBILITY)
                .await
                .unwrap(),
        );
    }
    got
}

async fn behaves_as_a_job_queue(queue: &dyn JobQueue) {
    // Sent, delivered once, acknowledged: gone.
    let (a, b) = (JobId::new(), JobId::new());
    queue.send(a, Duration::ZERO).await.unwrap();
    queue.send(b, Duration::ZERO).await.unwrap();
    let got = receive(queue, 2, Duration::from_secs(5)).await;
    let mut jobs: Vec<JobId> = got.iter().map(|d| d.job).collect();
    jobs.sort();
    let mut sent = vec![a, b];
    sent.sort();
    assert_eq!(jobs, sent);
    assert!(got.iter().all(|d| d.receive_count == 1), "{got:?}");
    for delivery in &got {
        queue.ack(delivery).await.unwrap();
    }

    // Not acknowledged: hidden for the visibility timeout, then delivered again, counted.
    let c = JobId::new();
    queue.send(c, Duration::ZERO).await.unwrap();
    let first = receive(queue, 1, Duration::from_secs(5)).await;
    assert_eq!(first.iter().map(|d| d.job).collect::<Vec<_>>(), [c]);
    let hidden = queue.receive(10, Duration::ZERO, VISIBILITY).await.unwrap();
    assert!(hidden.is_empty(), "still hidden: {hidden:?}");
    let again = receive(queue, 1, Duration::from_secs(5)).await;
    assert_eq!(again.len(), 1, "delivered again after the timeout");
    assert_eq!((again[0].job, again[0].receive_count), (c, 2));
    queue.ack(&again[0]).await.unwrap();

    // Delayed: not before its delay.
    let d = JobId::new();
    let sent_at = Instant::now();
    queue.send(d, Duration::from_secs(2)).await.unwrap();
    let early = queue.receive(10, Duration::ZERO, VISIBILITY).await.unwrap();
    assert!(early.is_empty(), "{early:?}");
    let late = receive(queue, 1, Duration::from_secs(6)).await;
    assert_eq!(late.iter().map(|d| d.job).collect::<Vec<_>>(), [d]);
    assert!(sent_at.elapsed() >= Duration::from_secs(2));
    queue.ack(&late[0]).await.unwrap();

    let rest = queue
        .receive(10, Duration::from_millis(1500), VISIBILITY)
        .await
        .unwrap();
    assert!(rest.is_empty(), "acknowledged messages stay gone: {rest:?}");
}

#[tokio::test]
async fn the_in_process_queue() {
    behaves_as_a_job_queue(&MemoryJobQueue::default()).await;
}

#[tokio::test]
async fn amazon_sqs_on_the_emulator() {
    assert!(
        std::env::var("AWS_ENDPOINT_URL_SQS").is_ok(),
        "AWS_ENDPOINT_URL_SQS is not set: run `eval \"$(bash scripts/moto.sh)\"` (scripts/test.sh does it)"
    );
    let creating = SqsJobQueue::connect("unused").unwrap();
    let url = creating
        .create_queue(&format!("opbx-jobs-{}", &unique()[24..]))
        .await
        .unwrap();
    behaves_as_a_job_queue(&SqsJobQueue::connect(&url).unwrap()).await;
}
