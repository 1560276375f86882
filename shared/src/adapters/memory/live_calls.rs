//! Live calls in process (`opbx-local`, tests). Each change goes straight to the feed, so the
//! local WebSocket clients hear of it before the webhook that caused it has answered. Expired
//! calls are dropped when the organization's calls are listed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;

use crate::domain::ids::OrgId;
use crate::domain::live_call::{LiveCall, LiveCallChange};
use crate::domain::now_ms;
use crate::ports::live_calls::{LiveCallFeed, LiveCalls, expires_at};
use crate::ports::store::{StoreError, StoreResult};

#[derive(Default)]
pub struct MemoryLiveCalls {
    calls: Mutex<HashMap<(OrgId, String), LiveCall>>,
    feed: Option<Arc<dyn LiveCallFeed>>,
}

impl MemoryLiveCalls {
    /// A store that tells `feed` of every change.
    pub fn with_feed(feed: Arc<dyn LiveCallFeed>) -> Self {
        Self {
            calls: Mutex::default(),
            feed: Some(feed),
        }
    }

    fn calls(&self) -> std::sync::MutexGuard<'_, HashMap<(OrgId, String), LiveCall>> {
        // Every critical section is one map operation, so a poisoned map is still consistent.
        self.calls.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn announce(&self, change: LiveCallChange) {
        if let Some(feed) = &self.feed {
            feed.live_call_changed(change).await;
        }
    }
}

fn live(call: &LiveCall, now: i64) -> bool {
    expires_at(call) > now
}

#[async_trait]
impl LiveCalls for MemoryLiveCalls {
    async fn put_live_call(&self, call: &LiveCall) -> StoreResult<()> {
        self.calls()
            .insert((call.organization_id, call.call_id.clone()), call.clone());
        self.announce(LiveCallChange::Updated(call.clone())).await;
        Ok(())
    }

    async fn insert_live_call(&self, call: &LiveCall) -> StoreResult<bool> {
        let now = now_ms();
        {
            let mut calls = self.calls();
            let key = (call.organization_id, call.call_id.clone());
            if calls.get(&key).is_some_and(|c| live(c, now)) {
                return Ok(false);
            }
            calls.insert(key, call.clone());
        }
        self.announce(LiveCallChange::Updated(call.clone())).await;
        Ok(true)
    }

    async fn replace_live_call(&self, call: &LiveCall, seen: &LiveCall) -> StoreResult<bool> {
        {
            let mut calls = self.calls();
            let key = (call.organization_id, call.call_id.clone());
            let current = calls.get(&key).filter(|c| live(c, now_ms()));
            if !current.is_some_and(|c| (c.status, c.updated_at) == (seen.status, seen.updated_at))
            {
                return Ok(false);
            }
            calls.insert(key, call.clone());
        }
        self.announce(LiveCallChange::Updated(call.clone())).await;
        Ok(true)
    }

    async fn find_live_call(&self, org: OrgId, call_id: &str) -> StoreResult<LiveCall> {
        self.calls()
            .get(&(org, call_id.to_owned()))
            .filter(|c| live(c, now_ms()))
            .cloned()
            .ok_or(StoreError::NotFound)
    }

    async fn list_live_calls(&self, org: OrgId) -> StoreResult<Vec<LiveCall>> {
        let now = now_ms();
        let mut calls = self.calls();
        calls.retain(|_, c| live(c, now));
        let mut listed: Vec<LiveCall> = calls
            .values()
            .filter(|c| c.organization_id == org && !c.status.is_terminal())
            .cloned()
            .collect();
        drop(calls);
        listed.sort_by(|a, b| (a.started_at, &a.call_id).cmp(&(b.started_at, &b.call_id)));
        Ok(listed)
    }
}
