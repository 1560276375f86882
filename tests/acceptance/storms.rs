//! Replay storms and concurrency (issue 16.2), on both backends: many deliveries of the same
//! requests, duplicated and reordered, many at a time, have exactly one effect each; concurrent
//! new calls to a round-robin group spread evenly over its members. Figures are printed.

use std::collections::HashMap;
use std::time::Instant;

use opbx_tests::{Backend, on_both_backends, unique};
use serde_json::{Value, json};

use crate::faults::{deliver_at, rows_of};
use crate::fixture::Fixture;

const IN_FLIGHT: usize = 50;

fn call(to: &str) -> Value {
    let sid = format!("storm-{}", unique());
    json!({"CallSid": sid, "Session": format!("s-{sid}"), "From": "+14155550000", "To": to, "Direction": "inbound"})
}

/// A fixed shuffle (a linear congruential generator), so a failure replays the same order.
fn shuffle<T>(items: &mut [T]) {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for i in (1..items.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        items.swap(i, (state >> 33) as usize % (i + 1));
    }
}

async fn a_replay_storm_has_one_effect_per_request(b: Backend) {
    let backend = b.name;
    let fx = Fixture::new(b).await;
    // An extension, a sequential group, a round-robin group, an IVR menu.
    let dids = [
        "+12125550101",
        "+12125550110",
        "+12125550112",
        "+12125550130",
    ];
    let distinct: Vec<Value> = (0..100).map(|i| call(dids[i % dids.len()])).collect();
    let mut deliveries: Vec<Value> = distinct
        .iter()
        .flat_map(|c| std::iter::repeat_n(c.clone(), 10))
        .collect();
    shuffle(&mut deliveries);
    let started = Instant::now();
    let answers = deliver_at(&fx, &deliveries, IN_FLIGHT).await;
    let took = started.elapsed();

    let mut bodies: HashMap<&str, Vec<&str>> = HashMap::new();
    for (c, (a, _)) in deliveries.iter().zip(&answers) {
        assert_eq!(a.status, 200, "{}", a.body);
        a.doc();
        bodies
            .entry(c["CallSid"].as_str().unwrap())
            .or_default()
            .push(&a.body);
    }
    let differing = bodies
        .values()
        .filter(|b| b.iter().any(|x| x != &b[0]))
        .count();
    let mut lost = 0;
    let mut duplicated = 0;
    for c in &distinct {
        match rows_of(&fx, c["CallSid"].as_str().unwrap()).await {
            0 => lost += 1,
            1 => {}
            _ => duplicated += 1,
        }
    }
    println!(
        "replay storm ({backend}): {} deliveries of {} requests, {IN_FLIGHT} at a time, in {:.0} ms: \
         {differing} requests answered differently, {lost} call logs lost, {duplicated} duplicated",
        deliveries.len(),
        distinct.len(),
        took.as_secs_f64() * 1000.0
    );
    assert_eq!((differing, lost, duplicated), (0, 0, 0));
}

/// The member a ring-group answer dials first.
fn first_number(body: &str) -> String {
    let doc = opbx::cxml::parse(body).unwrap();
    doc.child("Dial")
        .unwrap()
        .child("Number")
        .unwrap()
        .text
        .clone()
}

async fn concurrent_new_calls_spread_over_a_round_robin_group(b: Backend) {
    let backend = b.name;
    let fx = Fixture::new(b).await;
    let calls: Vec<Value> = (0..150).map(|_| call("+12125550112")).collect();
    let answers = deliver_at(&fx, &calls, IN_FLIGHT).await;
    let mut firsts: HashMap<String, usize> = HashMap::new();
    for (a, _) in &answers {
        *firsts.entry(first_number(&a.body)).or_default() += 1;
    }
    let (min, max) = (
        firsts.values().min().copied().unwrap_or(0),
        firsts.values().max().copied().unwrap_or(0),
    );
    println!(
        "round robin ({backend}): {} concurrent new calls, {IN_FLIGHT} at a time, first members {firsts:?}",
        calls.len()
    );
    assert_eq!(firsts.len(), 3, "every member is first for some call");
    assert!(max - min <= 1, "every member first within ±1: {firsts:?}");
}

on_both_backends!(
    a_replay_storm_has_one_effect_per_request,
    concurrent_new_calls_spread_over_a_round_robin_group,
);
