//! api-outbound-routes: `/api/v1/outbound-routes`.

use opbx::domain::model::{OutboundMatch, OutboundRoute, Role, Status};
use opbx::routing::speech;
use opbx_tests::Backend;
use serde_json::{Value, json};

use crate::cases::{ADMINS, Access, CONFIG_READERS, Case, Ctx, Prepared, prepare};
use crate::config_support::{
    Client, Line, column, dialled, extension, invalid_fields, message_for, outbound_route, spoken,
};
use crate::fixtures::Api;

async fn target(ctx: &Ctx) -> OutboundRoute {
    outbound_route(&ctx.state, ctx.org(), |_| {}).await
}

fn at(r: &OutboundRoute) -> Prepared {
    Prepared::at(format!("/api/v1/outbound-routes/{}", r.id)).marker(&r.name)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "GET",
            "/api/v1/outbound-routes",
            Access::Roles(CONFIG_READERS),
            |ctx| {
                prepare(async move {
                    let r = target(&ctx).await;
                    Prepared::at("/api/v1/outbound-routes").marker(r.name)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/outbound-routes",
            Access::Roles(ADMINS),
            |_| {
                prepare(async {
                    Prepared::at("/api/v1/outbound-routes").body(json!({
                        "name": format!("Route {}", opbx_tests::unique()),
                        "match_kind": "prefix",
                        "match_value": "011",
                        "strip_digits": 3,
                        "prepend": "+",
                        "trunk": "intl",
                    }))
                })
            },
        ),
        Case::new(
            "GET",
            "/api/v1/outbound-routes/{id}",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
        Case::new(
            "PATCH",
            "/api/v1/outbound-routes/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await).body(json!({"priority": 5})) }),
        ),
        Case::new(
            "DELETE",
            "/api/v1/outbound-routes/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
    ]
}

async fn routes_are_listed_in_the_order_routing_tries_them(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    for (name, priority) in [
        ("Late", 30),
        ("First", 10),
        ("Default", -1),
        ("Also ten", 10),
    ] {
        let mut body = json!({"name": name, "match_kind": "pattern", "match_value": " _NXXNXXXXXX ",
                              "prepend": "+1", "trunk": " us-east ", "caller_id": "+1 212 555 0100"});
        if priority >= 0 {
            body["priority"] = json!(priority);
        }
        let r = admin.post("/api/v1/outbound-routes", body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(
            (
                &r.json["match_value"],
                &r.json["trunk"],
                &r.json["caller_id"]
            ),
            (
                &json!("_NXXNXXXXXX"),
                &json!("us-east"),
                &json!("+12125550100")
            )
        );
    }
    let reader = Client::new(&api, &t, Role::PbxUser).await;
    let list = reader.get("/api/v1/outbound-routes").await;
    assert_eq!(
        column(&list, "name"),
        ["Also ten", "First", "Late", "Default"]
    );
    let by_name = reader.get("/api/v1/outbound-routes?sort=-name&q=t").await;
    assert_eq!(
        column(&by_name, "name"),
        ["Late", "First", "Default", "Also ten"]
    );

    let id = list.json["data"][3]["id"].as_str().unwrap().to_owned();
    let at = format!("/api/v1/outbound-routes/{id}");
    assert_eq!(
        list.json["data"][3]["priority"], 100,
        "the default priority"
    );
    let r = admin
        .patch(
            &at,
            json!({"priority": 0, "caller_id": null, "match_kind": "prefix", "match_value": "+"}),
        )
        .await;
    assert_eq!(
        (&r.ok()["priority"], &r.json["caller_id"]),
        (&json!(0), &Value::Null)
    );
    let list = reader.get("/api/v1/outbound-routes").await;
    assert_eq!(column(&list, "name")[0], "Default");
    assert_eq!(admin.delete(&at).await.status, 204);
    reader.get(&at).await.problem(404);
}

async fn invalid_routes_are_refused_naming_every_field(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let r = admin
        .post(
            "/api/v1/outbound-routes",
            json!({"name": "", "priority": -5, "match_kind": "pattern", "match_value": "NX[9-1]",
                   "strip_digits": 16, "prepend": "+4+", "trunk": " "}),
        )
        .await;
    assert_eq!(
        invalid_fields(&r, 422),
        [
            "name",
            "priority",
            "match_value",
            "strip_digits",
            "prepend",
            "trunk"
        ]
    );
    assert_eq!(message_for(&r, "priority"), "must be 0 to 10000");
    assert_eq!(
        message_for(&r, "match_value"),
        "a pattern may contain only digits, + * #, X Z N, [sets] and a final '.'"
    );
    let r = admin
        .post(
            "/api/v1/outbound-routes",
            json!({"name": "P", "match_kind": "prefix", "match_value": "9X", "trunk": "t"}),
        )
        .await;
    assert_eq!(
        message_for(r.problem(422), "match_value"),
        "a prefix may contain only digits and + * #"
    );
    for (body, field) in [
        (
            json!({"name": "P", "match_kind": "regex", "match_value": "9", "trunk": "t"}),
            "match_kind",
        ),
        (
            json!({"name": "P", "match_kind": "prefix", "match_value": "9", "trunk": "t", "caller_id": "12"}),
            "caller_id",
        ),
        (
            json!({"name": "P", "match_kind": "prefix", "match_value": "9"}),
            "trunk",
        ),
    ] {
        let r = admin.post("/api/v1/outbound-routes", body).await;
        assert_eq!(invalid_fields(&r, 422), [field], "{}", r.text);
    }
    let existing = outbound_route(&api.state, t.org.id, |r| {
        r.match_kind = OutboundMatch::Pattern;
        r.match_value = "NXXNXXXXXX".into();
    })
    .await;
    let r = admin
        .patch(
            &format!("/api/v1/outbound-routes/{}", existing.id),
            json!({"match_kind": "prefix"}),
        )
        .await;
    // The body alone is well formed; it conflicts with the value the route already has.
    assert_eq!(
        invalid_fields(&r, 409),
        ["match_value"],
        "a change of kind rechecks the value: NXX… is a pattern, not a prefix"
    );
    let r = admin
        .post(
            "/api/v1/outbound-routes",
            json!({"name": existing.name.to_uppercase(), "match_kind": "prefix", "match_value": "9", "trunk": "t"}),
        )
        .await;
    assert!(
        r.problem(409).json["detail"]
            .as_str()
            .unwrap()
            .contains("outbound route name")
    );
}

async fn a_route_added_through_the_api_carries_the_next_outside_call(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let line = Line::new(&api, t.org.id).await;
    let phone = extension(&api.state, t.org.id, |_| {}).await;
    let call = || line.internal(phone.number.as_str(), "2125550199");
    let refused = call().await;
    assert!(dialled(&refused).is_empty());
    assert_eq!(spoken(&refused), [speech::NO_ROUTE]);

    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let r = admin
        .post(
            "/api/v1/outbound-routes",
            json!({"name": "US", "match_kind": "pattern", "match_value": "NXXNXXXXXX",
                   "prepend": "+1", "trunk": "us-east", "caller_id": "+12125550100"}),
        )
        .await;
    let answer = call().await;
    assert_eq!(dialled(&answer), ["+12125550199"]);
    let dial = answer.child("Dial").unwrap();
    assert_eq!(
        (dial.attr("trunks"), dial.attr("callerId")),
        (Some("us-east"), Some("+12125550100"))
    );

    admin
        .patch(
            &format!("/api/v1/outbound-routes/{}", r.ok()["id"].as_str().unwrap()),
            json!({"status": Status::Inactive}),
        )
        .await
        .ok();
    assert_eq!(spoken(&call().await), [speech::NO_ROUTE]);
}

opbx_tests::on_both_backends!(
    routes_are_listed_in_the_order_routing_tries_them,
    invalid_routes_are_refused_naming_every_field,
    a_route_added_through_the_api_carries_the_next_outside_call,
);
