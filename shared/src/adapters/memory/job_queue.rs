//! The in-process job queue of `opbx-local`: SQS's semantics (delays, a visibility timeout,
//! redelivery until acknowledged) in memory. Messages do not survive a restart; the jobs do,
//! because they are rows in the database and the sweeper hands pending ones to the queue again.

use std::sync::Mutex;
use std::sync::PoisonError;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::domain::ids::JobId;
use crate::ports::jobs::{Delivery, JobQueue, MAX_DELAY, QueueError};

struct Message {
    job: JobId,
    visible_at: Instant,
    receive_count: u32,
    /// Changes on every delivery, so only the latest receiver's ack counts (as in SQS).
    receipt: u64,
}

#[derive(Default)]
pub struct MemoryJobQueue {
    messages: Mutex<Vec<Message>>,
    next_receipt: Mutex<u64>,
    arrived: Notify,
}

impl MemoryJobQueue {
    fn take_visible(&self, max: u32, visibility: Duration) -> Vec<Delivery> {
        let now = Instant::now();
        let mut messages = self.messages.lock().unwrap_or_else(PoisonError::into_inner);
        let mut next = self
            .next_receipt
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut taken = Vec::new();
        for m in messages.iter_mut().filter(|m| m.visible_at <= now) {
            if taken.len() as u32 >= max {
                break;
            }
            *next += 1;
            m.receipt = *next;
            m.receive_count += 1;
            m.visible_at = now + visibility;
            taken.push(Delivery {
                job: m.job,
                receipt: m.receipt.to_string(),
                receive_count: m.receive_count,
            });
        }
        taken
    }

    /// When the next hidden message becomes visible.
    fn next_visible(&self) -> Option<Instant> {
        let messages = self.messages.lock().unwrap_or_else(PoisonError::into_inner);
        messages.iter().map(|m| m.visible_at).min()
    }
}

#[async_trait]
impl JobQueue for MemoryJobQueue {
    async fn send(&self, job: JobId, delay: Duration) -> Result<(), QueueError> {
        let message = Message {
            job,
            visible_at: Instant::now() + delay.min(MAX_DELAY),
            receive_count: 0,
            receipt: 0,
        };
        self.messages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(message);
        self.arrived.notify_waiters();
        Ok(())
    }

    async fn receive(
        &self,
        max: u32,
        wait: Duration,
        visibility: Duration,
    ) -> Result<Vec<Delivery>, QueueError> {
        let deadline = Instant::now() + wait;
        loop {
            // Registered before looking, so a send between the look and the wait is not missed.
            let arrived = self.arrived.notified();
            let taken = self.take_visible(max, visibility);
            if !taken.is_empty() || Instant::now() >= deadline {
                return Ok(taken);
            }
            let wake = self.next_visible().map_or(deadline, |at| at.min(deadline));
            tokio::select! {
                () = arrived => {}
                () = tokio::time::sleep_until(wake) => {}
            }
        }
    }

    async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError> {
        let receipt: u64 = delivery
            .receipt
            .parse()
            .map_err(|_| QueueError::Invalid("not a receipt of this queue".into()))?;
        self.messages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|m| m.receipt != receipt);
        Ok(())
    }
}
