//! Where calls may go when they are saved (toll fraud, issue 18.1 and 18.11): every outside
//! number a configuration sends calls to must pass the organization's outbound rules (an active
//! route, a caller id), refused with a 409 naming the field (it conflicts with the routes and
//! rules stored now); extensions' forwarding must also pass the owner's forwarding rule, and PBX users may send their calls into no mailbox but their own. The same
//! calls at call time are in the acceptance suite.

use opbx::domain::destination::Destination;
use opbx::domain::model::*;
use opbx_tests::numbers::unique_e164;
use opbx_tests::{Backend, on_both_backends};
use serde_json::{Value, json};

use crate::config_support::{
    Client, extension, invalid_fields, menu, message_for, outbound_route, phone_number, ring_group,
    schedule,
};
use crate::fixtures::Api;

const PREMIUM: &str = "+882345678901";
const ORG: &str = "/api/v1/settings/organization";

fn outside(number: &str) -> Value {
    json!({"type": "external_number", "number": number})
}

/// A route for North American numbers, with the caller id given.
async fn nanp_route(api: &Api, org: opbx::domain::ids::OrgId, caller_id: Option<&str>) {
    outbound_route(&api.state, org, |r| {
        r.match_value = "+1".into();
        r.caller_id = caller_id.map(|c| opbx::domain::e164::E164::parse(c).unwrap());
    })
    .await;
}

async fn a_pbx_user_cannot_forward_where_no_outbound_route_goes(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let user = t.user(Role::PbxUser).id;
    let phone = extension(&api.state, t.org.id, |e| e.user_id = Some(user)).await;
    nanp_route(&api, t.org.id, Some("+12125550100")).await;
    let me = Client::new(&api, &t, Role::PbxUser).await;
    let at = format!("/api/v1/extensions/{}", phone.id);

    let r = me
        .patch(&at, json!({"forward_always": outside(PREMIUM)}))
        .await;
    assert_eq!(invalid_fields(&r, 409), ["forward_always.number"]);
    assert!(
        message_for(&r, "forward_always.number").contains("no active outbound route matches"),
        "{}",
        r.text
    );
    let r = me.patch(&at, json!({"no_answer": outside(PREMIUM)})).await;
    assert_eq!(invalid_fields(&r, 409), ["no_answer.number"]);
    // An admin is held to the same rule: it is about where calls can go, not who asks.
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let r = admin
        .patch(&at, json!({"forward_always": outside(PREMIUM)}))
        .await;
    assert_eq!(invalid_fields(&r, 409), ["forward_always.number"]);

    let ok = me
        .patch(&at, json!({"forward_always": outside("+14155550123")}))
        .await;
    assert_eq!(ok.ok()["forward_always"], outside("+14155550123"));
}

async fn a_route_without_caller_id_needs_the_organizations_default(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let phone = extension(&api.state, t.org.id, |_| {}).await;
    nanp_route(&api, t.org.id, None).await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let at = format!("/api/v1/extensions/{}", phone.id);
    let r = admin
        .patch(&at, json!({"forward_always": outside("+14155550123")}))
        .await;
    assert_eq!(invalid_fields(&r, 409), ["forward_always.number"]);
    assert!(message_for(&r, "forward_always.number").contains("no caller id"));

    let owner = Client::new(&api, &t, Role::Owner).await;
    // The default caller id must be the organization's own number.
    let own = unique_e164();
    let r = owner.patch(ORG, json!({"default_caller_id": own})).await;
    assert_eq!(invalid_fields(&r, 409), ["default_caller_id"]);
    phone_number(&api.state, t.org.id, &own, Destination::Hangup).await;
    let spaced = format!("{} {}", &own[..5], &own[5..]);
    let r = owner.patch(ORG, json!({"default_caller_id": spaced})).await;
    assert_eq!(r.ok()["default_caller_id"], own.as_str());
    assert_eq!(admin.get(ORG).await.ok()["default_caller_id"], own.as_str());
    admin
        .patch(&at, json!({"forward_always": outside("+14155550123")}))
        .await
        .ok();
}

async fn every_outside_destination_is_checked_and_named_by_its_path(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let org = t.org.id;
    nanp_route(&api, org, Some("+12125550100")).await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let phone = extension(&api.state, org, |_| {}).await;

    let m = menu(&api.state, org, |_| {}).await;
    let r = admin
        .patch(
            &format!("/api/v1/ivr-menus/{}", m.id),
            json!({"options": [
                {"digits": "1", "label": "Sales", "destination": outside("+14155550123")},
                {"digits": "2", "label": "Abroad", "destination": outside(PREMIUM)},
            ], "timeout_destination": outside(PREMIUM), "invalid_destination": outside(PREMIUM)}),
        )
        .await;
    assert_eq!(
        invalid_fields(&r, 409),
        [
            "options[1].destination.number",
            "invalid_destination.number",
            "timeout_destination.number",
        ]
    );

    let g = ring_group(&api.state, org, &[phone.id]).await;
    let r = admin
        .patch(
            &format!("/api/v1/ring-groups/{}", g.id),
            json!({"fallback": outside(PREMIUM)}),
        )
        .await;
    assert_eq!(invalid_fields(&r, 409), ["fallback.number"]);

    let s = schedule(&api.state, org, |_| {}).await;
    let r = admin
        .patch(
            &format!("/api/v1/business-hours/{}", s.id),
            json!({"closed": outside(PREMIUM), "exceptions": [{"name": "Holiday",
                   "start_date": "2026-12-25", "end_date": "2026-12-25", "mode": "closed",
                   "destination": outside(PREMIUM)}]}),
        )
        .await;
    assert_eq!(
        invalid_fields(&r, 409),
        ["closed.number", "exceptions[0].destination.number"]
    );

    let fax = unique_e164();
    let r = admin
        .post(
            "/api/v1/phone-numbers",
            json!({"number": fax, "label": "Fax", "destination": outside(PREMIUM)}),
        )
        .await;
    assert_eq!(invalid_fields(&r, 409), ["destination.number"]);
    admin
        .post(
            "/api/v1/phone-numbers",
            json!({"number": fax, "label": "Fax", "destination": outside("+14155550123")}),
        )
        .await
        .ok();
}

async fn the_owners_forwarding_rule_limits_extensions_further(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let org = t.org.id;
    nanp_route(&api, org, Some("+12125550100")).await;
    let owner = Client::new(&api, &t, Role::Owner).await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let phone = extension(&api.state, org, |_| {}).await;
    let at = format!("/api/v1/extensions/{}", phone.id);

    let r = owner
        .patch(ORG, json!({"external_forwarding": "listed_prefixes"}))
        .await;
    assert_eq!(invalid_fields(&r, 409), ["forwarding_prefixes"]);
    let r = owner
        .patch(ORG, json!({"forwarding_prefixes": ["1415"]}))
        .await;
    assert_eq!(invalid_fields(&r, 422), ["forwarding_prefixes[0]"]);
    let r = owner
        .patch(
            ORG,
            json!({"external_forwarding": "listed_prefixes", "forwarding_prefixes": ["+1415", "+1212", "+1415"]}),
        )
        .await;
    assert_eq!(r.ok()["forwarding_prefixes"], json!(["+1212", "+1415"]));
    // PBX admins read the rules but only the owner changes them.
    assert_eq!(
        admin.get(ORG).await.ok()["external_forwarding"],
        "listed_prefixes"
    );
    admin
        .patch(ORG, json!({"external_forwarding": "outbound_routes"}))
        .await
        .problem(403);

    // The Caribbean shares +1 with the USA: a classic toll-fraud destination a route allows.
    let r = admin
        .patch(&at, json!({"forward_always": outside("+18765550100")}))
        .await;
    assert_eq!(invalid_fields(&r, 409), ["forward_always.number"]);
    assert!(message_for(&r, "forward_always.number").contains("prefix"));
    admin
        .patch(&at, json!({"forward_always": outside("+14155550123")}))
        .await
        .ok();

    owner
        .patch(ORG, json!({"external_forwarding": "never"}))
        .await
        .ok();
    let r = admin
        .patch(&at, json!({"no_answer": outside("+14155550123")}))
        .await;
    assert!(
        invalid_fields(&r, 409).contains(&"no_answer.number".to_owned()),
        "{}",
        r.text
    );
    // Forwarding only: an IVR option may still send callers to a number a route allows.
    let m = menu(&api.state, org, |_| {}).await;
    admin
        .patch(
            &format!("/api/v1/ivr-menus/{}", m.id),
            json!({"timeout_destination": outside("+14155550123")}),
        )
        .await
        .ok();
}

async fn pbx_users_send_calls_only_to_their_own_mailboxes(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let org = t.org.id;
    let user = t.user(Role::PbxUser).id;
    let mine = extension(&api.state, org, |e| e.user_id = Some(user)).await;
    let also_mine = extension(&api.state, org, |e| e.user_id = Some(user)).await;
    let theirs = extension(&api.state, org, |_| {}).await;
    let group = ring_group(&api.state, org, &[theirs.id]).await;
    let me = Client::new(&api, &t, Role::PbxUser).await;
    let at = format!("/api/v1/extensions/{}", mine.id);

    for field in ["no_answer", "forward_always"] {
        let r = me
            .patch(
                &at,
                json!({ field: {"type": "voicemail", "id": theirs.id} }),
            )
            .await;
        assert_eq!(invalid_fields(&r, 422), [format!("{field}.id")], "{field}");
    }
    for destination in [
        json!({"type": "voicemail", "id": also_mine.id}),
        json!({"type": "extension", "id": theirs.id}),
        json!({"type": "ring_group", "id": group.id}),
        json!({"type": "hangup"}),
        Value::Null,
    ] {
        let r = me.patch(&at, json!({"no_answer": destination})).await;
        assert_eq!(r.ok()["no_answer"], destination);
    }
    // What an admin set stays, and the user may change other things around it.
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    admin
        .patch(
            &at,
            json!({"no_answer": {"type": "voicemail", "id": theirs.id}}),
        )
        .await
        .ok();
    me.patch(&at, json!({"do_not_disturb": true})).await.ok();
}

on_both_backends!(
    a_pbx_user_cannot_forward_where_no_outbound_route_goes,
    a_route_without_caller_id_needs_the_organizations_default,
    every_outside_destination_is_checked_and_named_by_its_path,
    the_owners_forwarding_rule_limits_extensions_further,
    pbx_users_send_calls_only_to_their_own_mailboxes,
);
