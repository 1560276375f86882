//! The call-flow graph of a phone number and the reverse view, what routes to an object.

use std::collections::HashSet;

use opbx::domain::destination::Destination;
use opbx::domain::e164::E164;
use opbx::domain::model::*;
use opbx::domain::now_ms;
use opbx_tests::{Backend, on_both_backends, unique};
use serde_json::{Value, json};

use crate::cases::{Access, CONFIG_READERS, Case, Prepared, prepare};
use crate::config_support::{Client, extension, menu, outbound_route, ring_group, schedule};
use crate::fixtures::{Api, Reply};
use crate::routing::add_number;

const CALL_FLOW: &str = "/api/v1/routing/call-flow/{id}";
const REFERENCES: &str = "/api/v1/routing/references/{type}/{id}";

pub fn cases() -> Vec<Case> {
    vec![
        Case::new("GET", CALL_FLOW, Access::Roles(CONFIG_READERS), |ctx| {
            prepare(async move {
                let label = format!("Flow {}", unique());
                let number = add_number(&ctx.state, ctx.org(), Destination::Hangup, &label).await;
                let id = number_id(&ctx.state, ctx.org(), &number).await;
                Prepared::at(format!("/api/v1/routing/call-flow/{id}")).marker(label)
            })
        }),
        Case::new("GET", REFERENCES, Access::Roles(CONFIG_READERS), |ctx| {
            prepare(async move {
                let group = ring_group(&ctx.state, ctx.org(), &[]).await;
                let menu = menu(&ctx.state, ctx.org(), |m| {
                    m.timeout_destination = Destination::RingGroup { id: group.id }
                })
                .await;
                Prepared::at(format!(
                    "/api/v1/routing/references/ring_group/{}",
                    group.id
                ))
                .marker(menu.name)
            })
        }),
    ]
}

async fn number_id(
    state: &opbx::app::AppState,
    org: opbx::domain::ids::OrgId,
    number: &str,
) -> String {
    use opbx::ports::phone_numbers::PhoneNumberRepo;
    state
        .store
        .find_phone_number_by_number(org, &E164::parse(number).unwrap())
        .await
        .unwrap()
        .id
        .to_string()
}

fn keys(flow: &Value) -> Vec<String> {
    flow["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["key"].as_str().unwrap().to_owned())
        .collect()
}

fn edges(flow: &Value) -> Vec<(String, String, String)> {
    flow["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let text = |f: &str| e[f].as_str().unwrap().to_owned();
            (text("from"), text("to"), text("label"))
        })
        .collect()
}

fn node<'a>(flow: &'a Value, key: &str) -> &'a Value {
    flow["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["key"] == key)
        .unwrap_or_else(|| panic!("no node {key}: {flow}"))
}

fn key(d: &Destination) -> String {
    opbx::routing::call_flow::key_of(d)
}

/// Number → office hours (open: menu, closed: Alice's voicemail, Christmas: the team) → menu
/// (1: the team, 2: back to the hours, 9: London, no input: the menu itself) → the team (Alice
/// and Bob on do-not-disturb, then Alice's voicemail).
struct Office {
    number: String,
    number_key: String,
    alice: Destination,
    bob: Destination,
    team: Destination,
    hours: Destination,
    menu: Destination,
    route: OutboundRoute,
}

async fn office(api: &Api, org: opbx::domain::ids::OrgId) -> Office {
    let state = &api.state;
    let alice = extension(state, org, |e| e.display_name = "Alice".into()).await;
    let bob = extension(state, org, |e| e.do_not_disturb = true).await;
    let mut team = ring_group(state, org, &[alice.id, bob.id]).await;
    team.fallback = Destination::Voicemail { id: alice.id };
    team.strategy = RingStrategy::Sequential;
    use opbx::ports::ring_groups::RingGroupRepo;
    state.store.update_ring_group(&team, &[]).await.unwrap();
    let route = outbound_route(state, org, |r| {
        r.match_value = "+44".into();
        r.caller_id = Some(E164::parse("+12125550199").unwrap());
    })
    .await;
    let hours_id = opbx::domain::ids::ScheduleId::new();
    let hours_dest = Destination::BusinessHours { id: hours_id };
    let front = menu(state, org, |m| {
        m.name = "Front desk".into();
        m.options = vec![
            IvrOption {
                digits: "1".into(),
                label: "Team".into(),
                destination: Destination::RingGroup { id: team.id },
            },
            IvrOption {
                digits: "2".into(),
                label: "Hours again".into(),
                destination: hours_dest.clone(),
            },
            IvrOption {
                digits: "9".into(),
                label: "London".into(),
                destination: Destination::ExternalNumber {
                    number: E164::parse("+442079460000").unwrap(),
                },
            },
        ];
    })
    .await;
    let menu_dest = Destination::IvrMenu { id: front.id };
    {
        use opbx::ports::ivr_menus::IvrMenuRepo;
        let mut m = front.clone();
        m.timeout_destination = menu_dest.clone();
        state.store.update_ivr_menu(&m, &[]).await.unwrap();
    }
    schedule(state, org, |s| {
        s.id = hours_id;
        s.name = "Office".into();
        s.open = menu_dest.clone();
        s.closed = Destination::Voicemail { id: alice.id };
        s.ranges = (1..=5)
            .map(|weekday| WeeklyRange {
                weekday,
                start_minute: 540,
                end_minute: 1020,
            })
            .collect();
        s.exceptions = vec![ScheduleException {
            name: "Christmas".into(),
            start_date: "2026-12-25".into(),
            end_date: "2026-12-25".into(),
            mode: ExceptionMode::Closed,
            destination: Some(Destination::RingGroup { id: team.id }),
        }];
        s.manual_override = Some(ManualOverride {
            mode: OverrideMode::Closed,
            until: Some(now_ms() + 3_600_000),
        });
    })
    .await;
    let number = add_number(state, org, hours_dest.clone(), "Main").await;
    let number_key = format!("phone_number:{}", number_id(state, org, &number).await);
    Office {
        number,
        number_key,
        alice: Destination::Extension { id: alice.id },
        bob: Destination::Extension { id: bob.id },
        team: Destination::RingGroup { id: team.id },
        hours: hours_dest,
        menu: menu_dest,
        route,
    }
}

async fn the_graph_draws_every_branch_and_each_object_once(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let o = office(&api, t.org.id).await;
    let client = Client::new(&api, &t, Role::PbxUser).await;
    let id = o.number_key.trim_start_matches("phone_number:");
    let reply = client.get(&format!("/api/v1/routing/call-flow/{id}")).await;
    let flow = reply.ok();
    assert_eq!(flow["root"], o.number_key.as_str());
    assert_eq!(flow["truncated"], false);

    let drawn = keys(flow);
    let unique_keys: HashSet<&String> = drawn.iter().collect();
    assert_eq!(
        unique_keys.len(),
        drawn.len(),
        "each object once: {drawn:?}"
    );
    let alice_mail = key(&Destination::Voicemail {
        id: match o.alice {
            Destination::Extension { id } => id,
            _ => unreachable!(),
        },
    });
    let london = "external_number:+442079460000".to_owned();
    let route = format!("outbound_route:{}", o.route.id);
    for expected in [
        &o.number_key,
        &key(&o.hours),
        &key(&o.menu),
        &key(&o.team),
        &key(&o.alice),
        &alice_mail,
        &london,
        &route,
        &"hangup".to_owned(),
    ] {
        assert!(
            drawn.contains(expected),
            "{expected} missing from {drawn:?}"
        );
    }

    let all = edges(flow);
    let has = |from: &str, to: &str, label: &str| {
        all.contains(&(from.to_owned(), to.to_owned(), label.to_owned()))
    };
    let (hours, menu, team) = (key(&o.hours), key(&o.menu), key(&o.team));
    assert!(has(&o.number_key, &hours, "every call"), "{all:?}");
    assert!(
        has(&hours, &alice_mail, "manual override: closed"),
        "{all:?}"
    );
    assert!(has(&hours, &menu, "open"), "{all:?}");
    assert!(has(&hours, &alice_mail, "closed"), "{all:?}");
    assert!(
        has(&hours, &team, "holiday 'Christmas' (2026-12-25)"),
        "{all:?}"
    );
    assert!(has(&menu, &team, "press 1 (Team)"), "{all:?}");
    // The loops: back to the hours, and the menu to itself; drawn as edges, not as new nodes.
    assert!(has(&menu, &hours, "press 2 (Hours again)"), "{all:?}");
    assert!(has(&menu, &menu, "no input 3×"), "{all:?}");
    assert!(has(&menu, "hangup", "invalid input 3×"), "{all:?}");
    assert!(has(&menu, &london, "press 9 (London)"), "{all:?}");
    assert!(has(&london, &route, "dialled out"), "{all:?}");
    assert!(has(&team, &key(&o.alice), "rings"), "{all:?}");
    assert!(
        !all.iter()
            .any(|(f, to, _)| *f == team && *to == key(&o.bob)),
        "a member on do-not-disturb is skipped, as the engine skips it: {all:?}"
    );
    assert!(
        has(&team, &alice_mail, "nobody answers: fallback"),
        "{all:?}"
    );
    assert!(
        has(&key(&o.alice), &alice_mail, "no answer or busy"),
        "{all:?}"
    );
    assert!(
        !drawn.contains(&key(&o.bob)),
        "Bob is only a skipped member: no call reaches him"
    );
    assert_eq!(node(flow, &key(&o.menu))["name"], "Front desk");
    assert!(
        node(flow, &key(&o.team))["notes"]
            .to_string()
            .contains("cannot take calls"),
        "{flow}"
    );
    assert!(
        node(flow, &key(&o.alice))["name"]
            .as_str()
            .unwrap()
            .ends_with(" Alice")
    );
}

/// Every path the simulator reports is a path of the graph.
async fn the_graph_holds_every_path_the_simulator_takes(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let o = office(&api, t.org.id).await;
    let client = Client::new(&api, &t, Role::PbxUser).await;
    let id = o.number_key.trim_start_matches("phone_number:");
    let flow = client.get(&format!("/api/v1/routing/call-flow/{id}")).await;
    let all: HashSet<(String, String)> = edges(flow.ok())
        .into_iter()
        .map(|(from, to, _)| (from, to))
        .collect();
    let mut tried = 0;
    for (at, digits) in [
        ("2026-12-22T10:00:00Z", json!(["1"])),
        ("2026-12-22T10:00:00Z", json!(["2", "9"])),
        ("2026-12-22T10:00:00Z", json!([""])),
        ("2026-12-25T10:00:00Z", json!([])),
        ("2026-12-26T22:00:00Z", json!([])),
    ] {
        let body = json!({"to": o.number, "at": at, "digits": digits});
        let sim = client.post("/api/v1/routing/simulate", body).await;
        let mut from = o.number_key.clone();
        for step in sim.ok()["path"].as_array().unwrap() {
            let d: Destination = serde_json::from_value(step["destination"].clone()).unwrap();
            let to = key(&d);
            assert!(
                all.contains(&(from.clone(), to.clone())),
                "the simulator went {from} → {to} ({}), the graph has no such edge",
                step["reason"]
            );
            from = to;
            tried += 1;
        }
    }
    assert!(tried >= 10, "the simulations walked {tried} steps");
}

async fn what_routes_here_names_each_referrer_once(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let o = office(&api, t.org.id).await;
    let client = Client::new(&api, &t, Role::PbxUser).await;
    let names = |r: &Reply| -> Vec<(String, String)> {
        r.ok()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let text = |f: &str| x[f].as_str().unwrap().to_owned();
                (text("object_type"), text("name"))
            })
            .collect()
    };
    let of = |d: &Destination| {
        format!(
            "/api/v1/routing/references/{}/{}",
            d.kind().as_str(),
            d.reference().unwrap()
        )
    };
    // Alice: her group (member and fallback to her voicemail), the hours (closed to her voicemail).
    let alice = client.get(&of(&o.alice)).await;
    let alice = names(&alice);
    assert_eq!(alice.len(), 2, "{alice:?}");
    assert_eq!(alice[0], ("business_hours".into(), "Office".into()));
    assert_eq!(alice[1].0, "ring_group");
    // The menu: the hours open to it; its own timeout to itself is left out.
    let menu = client.get(&of(&o.menu)).await;
    assert_eq!(names(&menu), [("business_hours".into(), "Office".into())]);
    let hours = client.get(&of(&o.hours)).await;
    let hours = names(&hours);
    assert_eq!(hours[0], ("ivr_menu".into(), "Front desk".into()));
    assert_eq!(hours[1].0, "phone_number");
    assert_eq!(hours.len(), 2);

    // Nothing routes to a fresh room; a made-up id, an unknown type and a bad id are not found.
    let room = crate::config_support::room(&api.state, t.org.id, |_| {}).await;
    let empty = client
        .get(&format!(
            "/api/v1/routing/references/conference_room/{}",
            room.id
        ))
        .await;
    assert_eq!(names(&empty), Vec::<(String, String)>::new());
    for uri in [
        format!(
            "/api/v1/routing/references/ring_group/{}",
            opbx::domain::ids::RingGroupId::new()
        ),
        format!("/api/v1/routing/references/phone_number/{}", room.id),
        "/api/v1/routing/references/extension/12".to_owned(),
    ] {
        client.get(&uri).await.problem(404);
    }
    // A room of another organization is not found either.
    let other = api.tenant().await;
    let theirs = crate::config_support::room(&api.state, other.org.id, |_| {}).await;
    client
        .get(&format!(
            "/api/v1/routing/references/conference_room/{}",
            theirs.id
        ))
        .await
        .problem(404);
}

on_both_backends!(
    the_graph_draws_every_branch_and_each_object_once,
    the_graph_holds_every_path_the_simulator_takes,
    what_routes_here_names_each_referrer_once,
);
