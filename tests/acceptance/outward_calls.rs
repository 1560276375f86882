//! Calls that leave the organization, at call time (issues 18.1, 19.7): whatever sends a call to
//! an outside number — a forwarding, a no-answer destination, an IVR option, a number's
//! destination, a phone dialling out — it leaves only through a matching route with a caller id,
//! extensions' forwarding only within the owner's forwarding rule, and a refused call hears a
//! refusal, never a `<Dial>`. The caller id is the number an inbound call came in on, else the
//! route's, else the organization's default: never an extension number.

use opbx::cxml::Element;
use opbx::domain::calling::{ExternalForwarding, NumberPrefix};
use opbx::domain::destination::Destination;
use opbx::domain::e164::E164;
use opbx::ports::extensions::ExtensionRepo;
use opbx_tests::{Backend, on_both_backends, unique};
use serde_json::json;

use crate::fixture::{DEFAULT_CALLER_ID, Fixture};
use crate::scenarios::OUTSIDE_REFUSED;

async fn call(fx: &Fixture, from: &str, to: &str, direction: &str) -> Element {
    let sid = format!("call-{}", unique());
    let answer = fx
        .post(
            "/webhooks/cloudonix/voice",
            json!({"CallSid": sid, "From": from, "To": to, "Direction": direction}),
        )
        .await;
    assert_eq!(answer.status, 200);
    answer.doc()
}

async fn inbound(fx: &Fixture, to: &str) -> Element {
    call(fx, "+14155550000", to, "inbound").await
}

async fn internal(fx: &Fixture, to: &str) -> Element {
    call(fx, "1001", to, "subscriber").await
}

/// `(number dialled, callerId)` of a `<Dial>` answer; `None` for anything else.
fn dialled(doc: &Element) -> Option<(String, String)> {
    let dial = doc.child("Dial")?;
    let number = dial.child("Number")?.text.clone();
    Some((number, dial.attr("callerId").unwrap_or_default().to_owned()))
}

fn refused(doc: &Element) {
    assert_eq!(doc, &crate::fixture::expected(OUTSIDE_REFUSED), "{doc:?}");
}

fn dial(number: &str, caller_id: &str) -> Option<(String, String)> {
    Some((number.to_owned(), caller_id.to_owned()))
}

async fn the_forwarding_rule_holds_at_call_time(b: Backend) {
    let fx = Fixture::new(b).await;
    // Carol (1003, DID +12125550103) forwards to +14155550123, which a route allows.
    assert_eq!(
        dialled(&inbound(&fx, "+12125550103").await),
        dial("+14155550123", "+12125550103")
    );
    fx.edit_calling(|c| c.external_forwarding = ExternalForwarding::Never)
        .await;
    refused(&inbound(&fx, "+12125550103").await);
    // An outside number as a number's own destination is not a forwarding: still dialled.
    assert_eq!(
        dialled(&inbound(&fx, "+12125550150").await),
        dial("+442079460123", "+12125550150")
    );

    fx.edit_calling(|c| {
        c.external_forwarding = ExternalForwarding::ListedPrefixes;
        c.forwarding_prefixes = vec![NumberPrefix::parse("+1212").unwrap()];
    })
    .await;
    refused(&inbound(&fx, "+12125550103").await);
    fx.edit_calling(|c| c.forwarding_prefixes = vec![NumberPrefix::parse("+1415").unwrap()])
        .await;
    assert!(dialled(&inbound(&fx, "+12125550103").await).is_some());
}

async fn a_no_answer_forwarding_abroad_is_refused_after_the_ring(b: Backend) {
    let fx = Fixture::new(b).await;
    let mut erin = fx
        .store()
        .find_extension(fx.org, fx.ext("1005"))
        .await
        .unwrap();
    erin.no_answer = Some(Destination::ExternalNumber {
        number: E164::parse(crate::fixture::TOLL_FRAUD_NUMBER).unwrap(),
    });
    fx.store().update_extension(&erin, &[]).await.unwrap();
    fx.state
        .coordination
        .invalidate_org(&fx.org.to_string())
        .await
        .unwrap();
    let sid = format!("call-{}", unique());
    let call = json!({"CallSid": sid, "From": "+14155550000", "To": "+12125550105", "Direction": "inbound"});
    let rings = fx.post("/webhooks/cloudonix/voice", call.clone()).await;
    let (url, mut body) = crate::scenarios::callback(
        "/webhooks/cloudonix/voice",
        &rings.doc(),
        crate::scenarios::Act::Dial("no-answer"),
        &call,
    );
    body["CallStatus"] = json!("in-progress");
    refused(&fx.post(&url, body).await.doc());
}

async fn outward_calls_present_a_did_never_an_extension_number(b: Backend) {
    let fx = Fixture::new(b).await;
    // An extension calling Carol: no DID to present, so the route's caller id.
    assert_eq!(
        dialled(&internal(&fx, "1003").await),
        dial("+14155550123", "+12125550100")
    );
    // Dialling out through a route without a caller id: the organization's default.
    assert_eq!(
        dialled(&internal(&fx, "+442079460000").await),
        dial("+442079460000", DEFAULT_CALLER_ID)
    );
    // Without either the call is refused rather than presenting "1001".
    fx.set_default_caller_id(None).await;
    let doc = internal(&fx, "+442079460000").await;
    assert_eq!(dialled(&doc), None, "{doc:?}");
    assert!(format!("{doc:?}").contains("cannot be reached from this phone"));
    // A forwarded inbound call still presents the number it came in on.
    assert_eq!(
        dialled(&inbound(&fx, "+12125550150").await),
        dial("+442079460123", "+12125550150")
    );
}

on_both_backends!(
    the_forwarding_rule_holds_at_call_time,
    a_no_answer_forwarding_abroad_is_refused_after_the_ring,
    outward_calls_present_a_did_never_an_extension_number,
);
