//! The coordination port: idempotency, locks, counters, cache and rate limits.
//!
//! Expiry is tested with short TTLs and sleeps several times longer, so a slow machine delays
//! these tests but cannot make them fail.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opbx::ports::coordination::{CallAdmission, Finished, Recorded, RoundRobinTaken};
use opbx_tests::Backend;

const SHORT: Duration = Duration::from_millis(150);
/// Long enough past `SHORT` for any expiry to have happened.
const PAST_SHORT: Duration = Duration::from_millis(600);
const LONG: Duration = Duration::from_secs(60);

async fn replay_returns_the_first_recorded_reply(backend: Backend) {
    let store = backend.coordination;
    assert_eq!(store.recall("req-1").await.unwrap(), None);

    assert_eq!(
        store.record("req-1", b"first", LONG).await.unwrap(),
        Recorded::Stored
    );
    assert_eq!(
        store.recall("req-1").await.unwrap(),
        Some(b"first".to_vec())
    );

    assert_eq!(
        store.record("req-1", b"second", LONG).await.unwrap(),
        Recorded::Existing(b"first".to_vec())
    );
    assert_eq!(
        store.recall("req-1").await.unwrap(),
        Some(b"first".to_vec())
    );
    assert_eq!(store.recall("req-2").await.unwrap(), None);
}

async fn empty_replies_are_recorded_too(backend: Backend) {
    let store = backend.coordination;
    assert_eq!(
        store.record("req", b"", LONG).await.unwrap(),
        Recorded::Stored
    );
    assert_eq!(store.recall("req").await.unwrap(), Some(Vec::new()));
    assert_eq!(
        store.record("req", b"other", LONG).await.unwrap(),
        Recorded::Existing(Vec::new())
    );
}

async fn recorded_replies_expire(backend: Backend) {
    let store = backend.coordination;
    store.record("req", b"first", SHORT).await.unwrap();
    tokio::time::sleep(PAST_SHORT).await;

    assert_eq!(store.recall("req").await.unwrap(), None);
    assert_eq!(
        store.record("req", b"second", LONG).await.unwrap(),
        Recorded::Stored
    );
    assert_eq!(store.recall("req").await.unwrap(), Some(b"second".to_vec()));
}

async fn concurrent_records_agree_on_one_reply(backend: Backend) {
    let store = backend.coordination;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mine = format!("reply-{i}").into_bytes();
                match store.record("req", &mine, LONG).await.unwrap() {
                    Recorded::Stored => mine,
                    Recorded::Existing(theirs) => theirs,
                }
            })
        })
        .collect();
    let mut replies = BTreeSet::new();
    for task in tasks {
        replies.insert(task.await.unwrap());
    }

    assert_eq!(replies.len(), 1, "{replies:?}");
    let winner = replies.into_iter().next();
    assert_eq!(store.recall("req").await.unwrap(), winner);
}

async fn a_held_lock_excludes_others_until_released(backend: Backend) {
    let store = backend.coordination;
    let held = store.try_lock("call-1", LONG).await.unwrap().unwrap();
    assert_eq!(held.key(), "call-1");

    assert!(store.try_lock("call-1", LONG).await.unwrap().is_none());
    assert!(
        store
            .lock("call-1", LONG, Duration::from_millis(100))
            .await
            .unwrap()
            .is_none()
    );
    let other = store.try_lock("call-2", LONG).await.unwrap();
    assert!(other.is_some(), "locks on different keys are independent");

    assert!(store.unlock(held).await.unwrap());
    let next = store.try_lock("call-1", LONG).await.unwrap().unwrap();
    assert!(store.unlock(next).await.unwrap());
    assert!(store.unlock(other.unwrap()).await.unwrap());
}

async fn an_expired_lock_is_taken_over_and_the_stale_owner_cannot_release_it(backend: Backend) {
    let store = backend.coordination;
    let stale = store.try_lock("call", SHORT).await.unwrap().unwrap();
    tokio::time::sleep(PAST_SHORT).await;

    let successor = store.try_lock("call", LONG).await.unwrap().unwrap();
    assert!(!store.unlock(stale).await.unwrap());
    assert!(
        store.try_lock("call", LONG).await.unwrap().is_none(),
        "the stale owner's unlock must leave the successor's lock in place"
    );
    assert!(store.unlock(successor).await.unwrap());
}

async fn unlocking_an_expired_lock_reports_it(backend: Backend) {
    let store = backend.coordination;
    let guard = store.try_lock("call", SHORT).await.unwrap().unwrap();
    tokio::time::sleep(PAST_SHORT).await;
    assert!(!store.unlock(guard).await.unwrap());
}

async fn lock_waits_until_the_holder_releases(backend: Backend) {
    let store = backend.coordination;
    let held = store.try_lock("call", LONG).await.unwrap().unwrap();
    let released = Arc::new(AtomicBool::new(false));
    let holder = {
        let store = Arc::clone(&store);
        let released = Arc::clone(&released);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            released.store(true, Ordering::SeqCst);
            store.unlock(held).await.unwrap()
        })
    };

    let acquired = store.lock("call", LONG, LONG).await.unwrap();
    assert!(acquired.is_some());
    assert!(released.load(Ordering::SeqCst), "acquired before release");
    assert!(holder.await.unwrap(), "the holder's unlock succeeded");
    assert!(store.unlock(acquired.unwrap()).await.unwrap());
}

async fn counters_are_exact_under_concurrency(backend: Backend) {
    let store = backend.coordination;
    assert_eq!(store.counter("ring").await.unwrap(), 0);

    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.increment("ring", 1).await.unwrap() })
        })
        .collect();
    let mut seen = BTreeSet::new();
    for task in tasks {
        seen.insert(task.await.unwrap());
    }

    assert_eq!(seen, (1..=50).collect::<BTreeSet<i64>>());
    assert_eq!(store.counter("ring").await.unwrap(), 50);
    assert_eq!(store.increment("ring", -8).await.unwrap(), 42);
    assert_eq!(store.increment("ring", 0).await.unwrap(), 42);
    assert_eq!(store.counter("other").await.unwrap(), 0);
}

async fn capabilities_keep_separate_keys(backend: Backend) {
    let store = backend.coordination;
    store.record("shared", b"reply", LONG).await.unwrap();
    assert_eq!(store.increment("shared", 2).await.unwrap(), 2);
    let guard = store.try_lock("shared", LONG).await.unwrap().unwrap();
    assert!(store.hit("shared", 1, LONG).await.unwrap().allowed);
    store
        .cache_put("shared", "shared", b"cached", LONG)
        .await
        .unwrap();

    assert_eq!(
        store.recall("shared").await.unwrap(),
        Some(b"reply".to_vec())
    );
    assert_eq!(store.counter("shared").await.unwrap(), 2);
    assert_eq!(
        store.cache_get("shared", "shared").await.unwrap(),
        Some(b"cached".to_vec())
    );
    assert!(store.unlock(guard).await.unwrap());
}

async fn cached_values_are_returned_until_they_expire(backend: Backend) {
    let store = backend.coordination;
    assert_eq!(store.cache_get("org-a", "ext:100").await.unwrap(), None);

    store
        .cache_put("org-a", "ext:100", b"short-lived", SHORT)
        .await
        .unwrap();
    store
        .cache_put("org-a", "ext:200", b"long-lived", LONG)
        .await
        .unwrap();
    assert_eq!(
        store.cache_get("org-a", "ext:100").await.unwrap(),
        Some(b"short-lived".to_vec())
    );
    assert_eq!(store.cache_get("org-a", "ext:300").await.unwrap(), None);

    tokio::time::sleep(PAST_SHORT).await;
    assert_eq!(
        store.cache_get("org-a", "ext:100").await.unwrap(),
        None,
        "each entry honours its own TTL"
    );
    assert_eq!(
        store.cache_get("org-a", "ext:200").await.unwrap(),
        Some(b"long-lived".to_vec())
    );
}

async fn a_cache_put_replaces_the_value_and_its_ttl(backend: Backend) {
    let store = backend.coordination;
    store.cache_put("org", "key", b"old", LONG).await.unwrap();
    store.cache_put("org", "key", b"new", SHORT).await.unwrap();
    assert_eq!(
        store.cache_get("org", "key").await.unwrap(),
        Some(b"new".to_vec())
    );

    tokio::time::sleep(PAST_SHORT).await;
    assert_eq!(store.cache_get("org", "key").await.unwrap(), None);
}

async fn invalidating_an_organization_drops_only_its_entries(backend: Backend) {
    let store = backend.coordination;
    store.cache_put("org-a", "k1", b"a1", LONG).await.unwrap();
    store.cache_put("org-a", "k2", b"a2", LONG).await.unwrap();
    store.cache_put("org-b", "k1", b"b1", LONG).await.unwrap();

    store.invalidate_org("org-a").await.unwrap();
    assert_eq!(store.cache_get("org-a", "k1").await.unwrap(), None);
    assert_eq!(store.cache_get("org-a", "k2").await.unwrap(), None);
    assert_eq!(
        store.cache_get("org-b", "k1").await.unwrap(),
        Some(b"b1".to_vec())
    );

    store.invalidate_org("org-never-cached").await.unwrap();
    store
        .cache_put("org-a", "k1", b"fresh", LONG)
        .await
        .unwrap();
    assert_eq!(
        store.cache_get("org-a", "k1").await.unwrap(),
        Some(b"fresh".to_vec())
    );
}

async fn a_rate_limit_allows_exactly_limit_hits_per_window(backend: Backend) {
    let store = backend.coordination;
    for remaining in [2, 1, 0] {
        let decision = store.hit("login:alice", 3, LONG).await.unwrap();
        assert!(decision.allowed);
        assert_eq!(decision.remaining, remaining);
        assert_eq!(decision.retry_after, Duration::ZERO);
    }

    for _ in 0..2 {
        let denied = store.hit("login:alice", 3, LONG).await.unwrap();
        assert!(!denied.allowed);
        assert_eq!(denied.remaining, 0);
        assert!(
            denied.retry_after > Duration::ZERO && denied.retry_after <= LONG,
            "{denied:?}"
        );
    }
    assert!(store.hit("login:bob", 3, LONG).await.unwrap().allowed);
}

async fn a_new_rate_limit_window_allows_again(backend: Backend) {
    let store = backend.coordination;
    assert!(store.hit("webhook", 1, SHORT).await.unwrap().allowed);
    tokio::time::sleep(PAST_SHORT).await;

    let decision = store.hit("webhook", 1, SHORT).await.unwrap();
    assert!(decision.allowed, "{decision:?}");
    assert_eq!(decision.remaining, 0);
}

async fn a_zero_limit_denies_everything(backend: Backend) {
    let store = backend.coordination;
    let decision = store.hit("blocked", 0, LONG).await.unwrap();
    assert!(!decision.allowed);
    assert_eq!(decision.remaining, 0);
    assert!(decision.retry_after <= LONG);
}

async fn a_forgiven_hit_no_longer_counts(backend: Backend) {
    let store = backend.coordination;
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(store.hit("sign-in:ann", 2, LONG).await.unwrap().allowed);
    }
    assert_eq!(seen, [true, true, false]);
    for _ in 0..2 {
        store.forgive("sign-in:ann").await.unwrap();
    }
    let decision = store.hit("sign-in:ann", 2, LONG).await.unwrap();
    assert!(decision.allowed, "{decision:?}");
    assert_eq!(decision.remaining, 0);

    // Never below zero, and a key never hit stays unknown.
    for _ in 0..5 {
        store.forgive("sign-in:bob").await.unwrap();
    }
    assert_eq!(
        store.hit("sign-in:bob", 1, LONG).await.unwrap().remaining,
        0
    );
    assert!(!store.hit("sign-in:bob", 1, LONG).await.unwrap().allowed);

    // A forgiven window still ends on time, and forgiving an ended one creates nothing: the
    // next hit starts a fresh window.
    assert!(store.hit("sign-in:short", 1, SHORT).await.unwrap().allowed);
    store.forgive("sign-in:short").await.unwrap();
    tokio::time::sleep(PAST_SHORT).await;
    store.forgive("sign-in:short").await.unwrap();
    assert_eq!(
        store
            .hit("sign-in:short", 1, SHORT)
            .await
            .unwrap()
            .remaining,
        0
    );
}

fn admission<'a>(org: &'a str, lock: &'a str, reply: &'a str, rate: &'a str) -> CallAdmission<'a> {
    CallAdmission {
        org,
        lock_key: lock,
        lock_ttl: LONG,
        take_lock: true,
        replay_key: reply,
        rate: Some((rate, 2, LONG)),
        round_robin_call: None,
    }
}

async fn a_call_begins_with_its_lock_and_rate_count_and_finishes_with_its_answer(b: Backend) {
    let store = b.coordination;
    let org = opbx_tests::unique();
    let (lock, reply, rate) = (
        format!("call:{{{org}}}:CA1"),
        format!("voice:{{{org}}}:r1"),
        format!("voice-rate:{{{org}}}"),
    );
    let a = admission(&org, &lock, &reply, &rate);
    let first = store.begin_call(&a).await.unwrap();
    assert!(first.guard.is_some() && !first.busy && first.replay.is_none());
    assert_eq!(
        first.rate.map(|r| (r.allowed, r.remaining)),
        Some((true, 1))
    );
    assert_eq!(first.config_version, 0);

    // A second delivery finds the lock held and is not counted.
    let second = store.begin_call(&a).await.unwrap();
    assert!(second.busy && second.guard.is_none() && second.rate.is_none());

    let finished = store
        .finish_call(first.guard, &reply, b"<Response/>", LONG, None)
        .await
        .unwrap();
    assert!(matches!(finished, Finished::Recorded(Recorded::Stored)));
    // The lock is free again, and the retry gets the answer without holding it or being counted.
    let retry = store.begin_call(&a).await.unwrap();
    assert_eq!(retry.replay.as_deref(), Some(&b"<Response/>"[..]));
    assert!(retry.guard.is_none() && retry.rate.is_none() && !retry.busy);
    assert!(store.try_lock(&lock, LONG).await.unwrap().is_some());

    // Two new calls later the organization is over its limit of 2.
    let other = format!("voice:{{{org}}}:r2");
    let second_call = store
        .begin_call(&CallAdmission {
            lock_key: "call:x:CA2",
            ..admission(&org, &lock, &other, &rate)
        })
        .await
        .unwrap();
    assert_eq!(second_call.rate.map(|r| r.allowed), Some(true));
    let third_call = store
        .begin_call(&CallAdmission {
            lock_key: "call:x:CA3",
            replay_key: "voice:x:r3",
            ..admission(&org, &lock, &other, &rate)
        })
        .await
        .unwrap();
    assert_eq!(third_call.rate.map(|r| r.allowed), Some(false));

    // Without the lock (after waiting in vain) the call still goes on.
    let unlocked = store
        .begin_call(&CallAdmission {
            take_lock: false,
            rate: None,
            replay_key: "voice:x:r4",
            ..admission(&org, &lock, &other, &rate)
        })
        .await
        .unwrap();
    assert!(!unlocked.busy && unlocked.guard.is_none() && unlocked.rate.is_none());
}

async fn a_call_reads_the_configuration_version_invalidation_raises(b: Backend) {
    let store = b.coordination;
    let (org, other) = (opbx_tests::unique(), opbx_tests::unique());
    let version = |org: String| {
        let store = store.clone();
        async move {
            let lock = format!("call:{{{org}}}:{}", opbx_tests::unique());
            let reply = format!("voice:{{{org}}}:{}", opbx_tests::unique());
            let start = store
                .begin_call(&CallAdmission {
                    rate: None,
                    ..admission(&org, &lock, &reply, "")
                })
                .await
                .unwrap();
            store.unlock(start.guard.unwrap()).await.unwrap();
            start.config_version
        }
    };
    let before = version(org.clone()).await;
    store.invalidate_org(&org).await.unwrap();
    assert_eq!(version(org.clone()).await, before + 1);
    store.invalidate_org(&org).await.unwrap();
    assert_eq!(version(org.clone()).await, before + 2);
    assert_eq!(
        version(other).await,
        0,
        "another organization's version is its own"
    );
}

async fn a_round_robin_group_advances_once_per_call(b: Backend) {
    let store = b.coordination;
    let org = opbx_tests::unique();
    let g = "group-1";
    let advance = |call: &'static str| {
        let (store, org) = (store.clone(), org.clone());
        async move {
            store
                .advance_round_robin(&org, g, call, LONG)
                .await
                .unwrap()
        }
    };
    assert_eq!(advance("a").await, 0);
    assert_eq!(
        advance("a").await,
        0,
        "a retry of the call keeps its position"
    );
    assert_eq!(advance("b").await, 1);
    assert_eq!(store.round_robin_position(&org, g).await.unwrap(), 2);
    assert_eq!(store.round_robin_position(&org, "other").await.unwrap(), 0);

    // The pipeline's way: positions read in the first step, taken in the last one.
    let begin = |call: &'static str| {
        let (store, org) = (store.clone(), org.clone());
        async move {
            let (lock, reply) = (
                format!("call:{{{org}}}:{call}"),
                format!("voice:{{{org}}}:{call}"),
            );
            let start = store
                .begin_call(&CallAdmission {
                    rate: None,
                    round_robin_call: Some(call),
                    ..admission(&org, &lock, &reply, "")
                })
                .await
                .unwrap();
            (start, reply)
        }
    };
    let finish = |call: &'static str, guard, reply: String, position: i64| {
        let (store, org) = (store.clone(), org.clone());
        async move {
            let positions = vec![(g.to_owned(), position)];
            let taken = RoundRobinTaken {
                org: &org,
                call,
                positions: &positions,
            };
            store
                .finish_call(guard, &reply, b"x", LONG, Some(taken))
                .await
                .unwrap()
        }
    };
    let ((c, c_reply), (d, d_reply)) = (begin("c").await, begin("d").await);
    let Some(snapshot) = &c.round_robin else {
        // Stores without a snapshot cannot take a position in their last step atomically: the
        // pipeline is told to take it one by one instead, and nothing is recorded or released.
        assert!(d.round_robin.is_none());
        let Finished::Overtaken(Some(guard)) = finish("c", c.guard, c_reply.clone(), 2).await
        else {
            panic!("a position without a snapshot must be refused, the lock handed back");
        };
        assert!(store.recall(&c_reply).await.unwrap().is_none());
        store.unlock(guard).await.unwrap();
        store.unlock(d.guard.unwrap()).await.unwrap();
        assert_eq!(store.round_robin_position(&org, g).await.unwrap(), 2);
        return;
    };
    // Stores that read it in the same step (Redis) see what the other calls left; two calls
    // that read the same snapshot both see position 2.
    assert_eq!(snapshot.counters.get(g), Some(&2));
    assert!(snapshot.this_call.is_empty());
    assert_eq!(d.round_robin.as_ref().unwrap().counters.get(g), Some(&2));
    assert!(matches!(
        finish("c", c.guard, c_reply.clone(), 2).await,
        Finished::Recorded(Recorded::Stored)
    ));
    assert_eq!(store.round_robin_position(&org, g).await.unwrap(), 3);
    // The second call to take position 2 is overtaken: its answer is not recorded and it
    // still holds its lock, to route again with a position of its own.
    let Finished::Overtaken(Some(guard)) = finish("d", d.guard, d_reply.clone(), 2).await else {
        panic!("a position another call took must be refused, the lock handed back");
    };
    assert!(store.recall(&d_reply).await.unwrap().is_none());
    assert_eq!(store.round_robin_position(&org, g).await.unwrap(), 3);
    assert_eq!(advance("d").await, 3);
    assert!(matches!(
        store
            .finish_call(Some(guard), &d_reply, b"y", LONG, None)
            .await
            .unwrap(),
        Finished::Recorded(Recorded::Stored)
    ));
    assert!(
        store
            .try_lock(&format!("call:{{{org}}}:d"), LONG)
            .await
            .unwrap()
            .is_some(),
        "the lock handed back is released by the second finish"
    );
    // Another request of the first call that routes to the group again (a callback) finds its
    // position and advances nothing.
    let (lock, reply) = (format!("call:{{{org}}}:c"), format!("voice:{{{org}}}:c-2"));
    let again = store
        .begin_call(&CallAdmission {
            rate: None,
            round_robin_call: Some("c"),
            ..admission(&org, &lock, &reply, "")
        })
        .await
        .unwrap();
    assert_eq!(
        again.round_robin.as_ref().unwrap().this_call.get(g),
        Some(&2)
    );
    assert!(matches!(
        finish("c", again.guard, reply, 2).await,
        Finished::Recorded(Recorded::Stored)
    ));
    assert_eq!(store.round_robin_position(&org, g).await.unwrap(), 4);
    assert_eq!(advance("c").await, 2);
}

opbx_tests::on_both_backends!(
    a_forgiven_hit_no_longer_counts,
    a_call_begins_with_its_lock_and_rate_count_and_finishes_with_its_answer,
    a_call_reads_the_configuration_version_invalidation_raises,
    a_round_robin_group_advances_once_per_call,
    replay_returns_the_first_recorded_reply,
    empty_replies_are_recorded_too,
    recorded_replies_expire,
    concurrent_records_agree_on_one_reply,
    a_held_lock_excludes_others_until_released,
    an_expired_lock_is_taken_over_and_the_stale_owner_cannot_release_it,
    unlocking_an_expired_lock_reports_it,
    lock_waits_until_the_holder_releases,
    counters_are_exact_under_concurrency,
    capabilities_keep_separate_keys,
    cached_values_are_returned_until_they_expire,
    a_cache_put_replaces_the_value_and_its_ttl,
    invalidating_an_organization_drops_only_its_entries,
    a_rate_limit_allows_exactly_limit_hits_per_window,
    a_new_rate_limit_window_allows_again,
    a_zero_limit_denies_everything,
);
