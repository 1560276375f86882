//! api-business-hours: `/api/v1/business-hours`, its override and its status.

use opbx::domain::destination::Destination;
use opbx::domain::model::{BusinessHours, Role, WeeklyRange};
use opbx::ports::business_hours::BusinessHoursRepo;
use opbx_tests::Backend;
use opbx_tests::numbers::unique_e164;
use serde_json::{Value, json};

use crate::cases::{ADMINS, Access, CONFIG_READERS, Case, Ctx, Prepared, prepare};
use crate::config_support::{
    Client, Line, column, dialled, extension, invalid_fields, message_for, phone_number,
    references, schedule,
};
use crate::fixtures::Api;

async fn target(ctx: &Ctx) -> BusinessHours {
    schedule(&ctx.state, ctx.org(), |_| {}).await
}

fn at(s: &BusinessHours, rest: &str) -> Prepared {
    Prepared::at(format!("/api/v1/business-hours/{}{rest}", s.id)).marker(&s.name)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "GET",
            "/api/v1/business-hours",
            Access::Roles(CONFIG_READERS),
            |ctx| {
                prepare(async move {
                    let s = target(&ctx).await;
                    Prepared::at("/api/v1/business-hours").marker(s.name)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/business-hours",
            Access::Roles(ADMINS),
            |_| {
                prepare(async {
                    Prepared::at("/api/v1/business-hours").body(json!({
                        "name": format!("Hours {}", opbx_tests::unique()),
                        "open": {"type": "hangup"},
                        "closed": {"type": "hangup"},
                    }))
                })
            },
        ),
        Case::new(
            "GET",
            "/api/v1/business-hours/{id}",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&target(&ctx).await, "") }),
        ),
        Case::new(
            "PATCH",
            "/api/v1/business-hours/{id}",
            Access::Roles(ADMINS),
            |ctx| {
                prepare(async move {
                    at(&target(&ctx).await, "").body(json!({"timezone": "America/New_York"}))
                })
            },
        ),
        Case::new(
            "DELETE",
            "/api/v1/business-hours/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await, "") }),
        ),
        Case::new(
            "POST",
            "/api/v1/business-hours/{id}/override",
            Access::Roles(ADMINS),
            |ctx| {
                prepare(async move {
                    at(&target(&ctx).await, "/override").body(json!({"mode": "closed"}))
                })
            },
        ),
        Case::new(
            "DELETE",
            "/api/v1/business-hours/{id}/override",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await, "/override") }),
        ),
        Case::new(
            "GET",
            "/api/v1/business-hours/{id}/status",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&target(&ctx).await, "/status") }),
        ),
    ]
}

fn office_hours() -> Value {
    json!([
        {"weekday": 1, "start_minute": 540, "end_minute": 1020},
        {"weekday": 5, "start_minute": 540, "end_minute": 960},
        {"weekday": 6, "start_minute": 1320, "end_minute": 120},
    ])
}

async fn admins_define_weekly_hours_and_exceptions(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let desk = extension(&api.state, t.org.id, |_| {}).await;
    let christmas = json!({"name": " Christmas ", "start_date": "2026-12-25", "end_date": "2026-12-26",
                           "mode": "closed", "destination": {"type": "voicemail", "id": desk.id}});
    let created = admin
        .post(
            "/api/v1/business-hours",
            json!({"name": "Office", "open": {"type": "extension", "id": desk.id},
                   "closed": {"type": "voicemail", "id": desk.id},
                   "ranges": office_hours(), "exceptions": [christmas]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let view = &created.json;
    assert_eq!(view["timezone"], "Europe/London", "the organization's zone");
    assert_eq!(view["ranges"], office_hours());
    assert_eq!(view["exceptions"][0]["name"], "Christmas");
    assert_eq!(view["manual_override"], Value::Null);
    let at = format!("/api/v1/business-hours/{}", view["id"].as_str().unwrap());
    assert_eq!(
        Client::new(&api, &t, Role::PbxUser)
            .await
            .get(&at)
            .await
            .ok(),
        view
    );

    let r = admin
        .patch(
            &at,
            json!({"timezone": "America/New_York", "ranges": [], "exceptions": []}),
        )
        .await;
    assert_eq!(r.ok()["timezone"], "America/New_York");
    assert_eq!(
        (&r.json["ranges"], &r.json["exceptions"]),
        (&json!([]), &json!([]))
    );
    assert_eq!(r.json["open"], json!({"type": "extension", "id": desk.id}));
    assert_eq!(admin.delete(&at).await.status, 204);
    admin.get(&at).await.problem(404);
}

async fn invalid_schedules_are_refused_naming_every_field(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let foreign = extension(&api.state, other.org.id, |_| {}).await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let r = admin
        .post(
            "/api/v1/business-hours",
            json!({
                "name": "",
                "open": {"type": "extension", "id": foreign.id},
                "closed": {"type": "hangup"},
                "ranges": [
                    {"weekday": 8, "start_minute": 540, "end_minute": 1020},
                    {"weekday": 1, "start_minute": 1440, "end_minute": 1441},
                ],
                "exceptions": [
                    {"name": " ", "start_date": "2026-12-25", "end_date": "2026-12-24", "mode": "closed"},
                    {"name": "Odd", "start_date": "25/12/2026", "end_date": "2026-12-26", "mode": "open",
                     "destination": {"type": "voicemail", "id": foreign.id}},
                ],
            }),
        )
        .await;
    assert_eq!(
        invalid_fields(&r, 422),
        [
            "name",
            "exceptions[0].name",
            "ranges[0].weekday",
            "ranges[1].start_minute",
            "ranges[1].end_minute",
            "exceptions[0].end_date",
            "exceptions[1].start_date",
            "open",
            "exceptions[1].destination",
        ]
    );
    assert_eq!(
        message_for(&r, "exceptions[0].end_date"),
        "must not be before start_date"
    );

    for (body, field) in [
        (
            json!({"name": "Tz", "timezone": "EST", "open": {"type": "hangup"}, "closed": {"type": "hangup"}}),
            "timezone",
        ),
        (
            json!({"name": "No closed", "open": {"type": "hangup"}}),
            "closed",
        ),
        (
            json!({"name": "Bad mode", "open": {"type": "hangup"}, "closed": {"type": "hangup"},
                "exceptions": [{"name": "x", "start_date": "2026-01-01", "end_date": "2026-01-01", "mode": "shut"}]}),
            "exceptions[0].mode",
        ),
    ] {
        let r = admin.post("/api/v1/business-hours", body).await;
        assert_eq!(invalid_fields(&r, 422), [field], "{}", r.text);
    }

    // A schedule whose closed hours lead back to itself would never decide.
    let s = schedule(&api.state, t.org.id, |_| {}).await;
    let r = admin
        .patch(
            &format!("/api/v1/business-hours/{}", s.id),
            json!({"closed": {"type": "business_hours", "id": s.id}}),
        )
        .await;
    assert_eq!(
        message_for(&r, "closed"),
        "must not point at the object itself"
    );

    let taken = admin
        .post(
            "/api/v1/business-hours",
            json!({"name": s.name.to_uppercase(), "open": {"type": "hangup"}, "closed": {"type": "hangup"}}),
        )
        .await;
    assert!(
        taken.problem(409).json["detail"]
            .as_str()
            .unwrap()
            .contains("business hours name")
    );
}

async fn the_status_says_what_a_call_meets_and_why(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let open = extension(&api.state, t.org.id, |_| {}).await;
    let s = schedule(&api.state, t.org.id, |s| {
        s.open = Destination::Extension { id: open.id };
        s.closed = Destination::Voicemail { id: open.id };
        s.ranges = vec![WeeklyRange {
            weekday: 1,
            start_minute: 540,
            end_minute: 1020,
        }];
    })
    .await;
    let reader = Client::new(&api, &t, Role::PbxUser).await;
    let status = |query: &str| format!("/api/v1/business-hours/{}/status{query}", s.id);

    // Monday 5 January 2026: London is on UTC.
    let r = reader.get(&status("?at=2026-01-05T10:00:00Z")).await;
    assert_eq!(
        r.ok(),
        &json!({"at": "2026-01-05T10:00:00Z", "state": "open",
                "destination": {"type": "extension", "id": open.id},
                "reason": "open: Monday 09:00–17:00"})
    );
    let r = reader.get(&status("?at=2026-01-05T19:00:00%2B02:00")).await;
    assert_eq!(
        (&r.ok()["state"], &r.json["reason"]),
        (&json!("closed"), &json!("closed: outside weekly hours"))
    );
    assert_eq!(r.json["at"], "2026-01-05T17:00:00Z");
    assert!(reader.get(&status("")).await.ok()["at"].is_string());

    let r = reader.get(&status("?at=tomorrow&page=2")).await;
    assert_eq!(invalid_fields(&r, 400), ["at", "page"]);

    // An inactive schedule is switched off: calls go to its open destination, as routing does.
    let mut off = s.clone();
    off.status = opbx::domain::model::Status::Inactive;
    api.state
        .store
        .update_business_hours(&off, &[])
        .await
        .unwrap();
    let r = reader.get(&status("?at=2026-01-05T19:00:00Z")).await;
    assert_eq!(
        (&r.ok()["state"], &r.json["reason"]),
        (&json!("open"), &json!("switched off: always open"))
    );
}

async fn the_override_outranks_the_hours_until_it_lapses_or_is_switched_off(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let s = schedule(&api.state, t.org.id, |_| {}).await;
    let at = format!("/api/v1/business-hours/{}", s.id);
    let status = format!("{at}/status");
    assert_eq!(admin.get(&status).await.ok()["state"], "open");

    let r = admin
        .post(&format!("{at}/override"), json!({"mode": "closed"}))
        .await;
    assert_eq!(
        r.ok()["manual_override"],
        json!({"mode": "closed", "until": null})
    );
    assert_eq!(
        (
            &admin.get(&status).await.json["state"],
            &admin.get(&status).await.json["reason"]
        ),
        (
            &json!("closed"),
            &json!("override: closed until switched off")
        )
    );

    let r = admin
        .post(
            &format!("{at}/override"),
            json!({"mode": "closed", "until": "2999-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(r.ok()["manual_override"]["until"], "2999-01-01T00:00:00Z");
    // The override lapses at `until`: asking about a later instant finds the weekly hours.
    let later = admin
        .get(&format!("{at}/status?at=2999-01-02T12:00:00Z"))
        .await;
    assert_eq!(later.ok()["state"], "open");

    // A time already past is well formed (409); one that is no time at all is not (422).
    for (body, status, message) in [
        (
            json!({"mode": "closed", "until": "2000-01-01T00:00:00Z"}),
            409,
            "must be in the future",
        ),
        (
            json!({"mode": "closed", "until": "soon"}),
            422,
            "must be an RFC 3339 time such as 2026-03-01T18:00:00Z",
        ),
    ] {
        let r = admin.post(&format!("{at}/override"), body).await;
        assert_eq!(message_for(r.problem(status), "until"), message);
    }
    let r = admin
        .post(&format!("{at}/override"), json!({"mode": "shut"}))
        .await;
    assert_eq!(invalid_fields(&r, 422), ["mode"]);

    let r = admin.delete(&format!("{at}/override")).await;
    assert_eq!(r.ok()["manual_override"], Value::Null);
    assert_eq!(admin.get(&status).await.ok()["state"], "open");
}

async fn deleting_a_schedule_something_routes_to_names_the_referrers(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let s = schedule(&api.state, t.org.id, |_| {}).await;
    let pn = phone_number(
        &api.state,
        t.org.id,
        &unique_e164(),
        Destination::BusinessHours { id: s.id },
    )
    .await;
    let r = admin
        .delete(&format!("/api/v1/business-hours/{}", s.id))
        .await;
    assert_eq!(references(&r), [("phone_number".to_owned(), pn.label)]);
    let list = admin.get("/api/v1/business-hours?q=hours&sort=-name").await;
    assert_eq!(column(&list, "name"), [s.name]);
}

async fn an_override_set_through_the_api_routes_the_next_call(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let line = Line::new(&api, t.org.id).await;
    let day = extension(&api.state, t.org.id, |_| {}).await;
    let night = extension(&api.state, t.org.id, |_| {}).await;
    let s = schedule(&api.state, t.org.id, |s| {
        s.open = Destination::Extension { id: day.id };
        s.closed = Destination::Extension { id: night.id };
    })
    .await;
    let did = phone_number(
        &api.state,
        t.org.id,
        &unique_e164(),
        Destination::BusinessHours { id: s.id },
    )
    .await;
    assert_eq!(
        dialled(&line.inbound(did.number.as_str()).await),
        [day.number.as_str()]
    );

    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let at = format!("/api/v1/business-hours/{}/override", s.id);
    admin.post(&at, json!({"mode": "closed"})).await.ok();
    assert_eq!(
        dialled(&line.inbound(did.number.as_str()).await),
        [night.number.as_str()]
    );
    admin.delete(&at).await.ok();
    assert_eq!(
        dialled(&line.inbound(did.number.as_str()).await),
        [day.number.as_str()]
    );
}

opbx_tests::on_both_backends!(
    admins_define_weekly_hours_and_exceptions,
    invalid_schedules_are_refused_naming_every_field,
    the_status_says_what_a_call_meets_and_why,
    the_override_outranks_the_hours_until_it_lapses_or_is_switched_off,
    deleting_a_schedule_something_routes_to_names_the_referrers,
    an_override_set_through_the_api_routes_the_next_call,
);
