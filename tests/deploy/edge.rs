//! What stands in front of the functions (issue 18.4, 18.5, 18.10): every HTTP route throttled
//! (the webhooks with their own, larger limits), concurrency reserved for the voice webhooks so an
//! admin-API flood cannot starve calls, access logs that never carry a secret path, and the
//! admin UI served with security headers.

use opbx::http::{Answer, HTTP_FUNCTIONS};

use crate::cfn::{Template, ref_target};

/// The functions Cloudonix calls: a flood elsewhere must not starve them.
fn webhook_functions() -> Vec<&'static str> {
    HTTP_FUNCTIONS
        .iter()
        .filter(|f| f.routes.iter().any(|r| r.path.starts_with("/webhooks/")))
        .map(|f| f.name)
        .collect()
}

#[test]
fn every_route_is_throttled_and_the_webhooks_have_room_of_their_own() {
    let template = Template::load();
    let api = &template.resource("HttpApi").expect("HttpApi")["Properties"];
    let default = &api["DefaultRouteSettings"];
    assert_eq!(
        ref_target(&default["ThrottlingRateLimit"]),
        Some("ApiThrottleRate")
    );
    assert_eq!(
        ref_target(&default["ThrottlingBurstLimit"]),
        Some("ApiThrottleBurst")
    );
    let routes = api["RouteSettings"]
        .as_object()
        .expect("HttpApi RouteSettings");
    for f in HTTP_FUNCTIONS {
        for r in f.routes.iter().filter(|r| r.path.starts_with("/webhooks/")) {
            let key = format!("{} {}", r.method, r.path);
            let settings = routes
                .get(&key)
                .unwrap_or_else(|| panic!("RouteSettings needs {key:?}"));
            assert_eq!(
                ref_target(&settings["ThrottlingRateLimit"]),
                Some("WebhookThrottleRate"),
                "{key}"
            );
            assert_eq!(
                ref_target(&settings["ThrottlingBurstLimit"]),
                Some("WebhookThrottleBurst"),
                "{key}"
            );
        }
    }
    let served: Vec<String> = HTTP_FUNCTIONS
        .iter()
        .flat_map(|f| f.routes)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    for key in routes.keys() {
        assert!(
            served.contains(key),
            "RouteSettings names {key:?}, which no router serves"
        );
    }
    assert!(
        routes["GET /health"]["ThrottlingRateLimit"].as_u64() <= Some(50),
        "the public health check needs only a trickle"
    );
    for p in [
        "ApiThrottleRate",
        "ApiThrottleBurst",
        "WebhookThrottleRate",
        "WebhookThrottleBurst",
    ] {
        assert!(
            template.doc["Parameters"][p]["Default"]
                .as_u64()
                .unwrap_or(0)
                > 0,
            "{p} needs a positive default"
        );
    }
}

#[test]
fn the_webhook_functions_have_reserved_concurrency() {
    let template = Template::load();
    let webhooks = webhook_functions();
    assert_eq!(webhooks.len(), 5, "{webhooks:?}");
    let streamed: Vec<&str> = HTTP_FUNCTIONS
        .iter()
        .filter(|f| f.answer == Answer::Streamed)
        .map(|f| f.name)
        .collect();
    for f in template.rust_functions() {
        let reserved = &f.resource["Properties"]["ReservedConcurrentExecutions"];
        if streamed.contains(&f.binary) {
            // Its Function URL has no API Gateway throttling: the reservation is its ceiling.
            let branches = reserved["Fn::If"].as_array().unwrap_or_else(|| {
                panic!(
                    "{}: ReservedConcurrentExecutions: !If [ReserveExportConcurrency, …]",
                    f.binary
                )
            });
            assert_eq!(branches[0], "ReserveExportConcurrency", "{}", f.binary);
            assert_eq!(ref_target(&branches[1]), Some("ExportReservedConcurrency"));
            assert_eq!(ref_target(&branches[2]), Some("AWS::NoValue"));
        } else if webhooks.contains(&f.binary) {
            let branches = reserved["Fn::If"].as_array().unwrap_or_else(|| {
                panic!(
                    "{}: ReservedConcurrentExecutions: !If [ReserveWebhookConcurrency, …]",
                    f.binary
                )
            });
            assert_eq!(branches[0], "ReserveWebhookConcurrency", "{}", f.binary);
            assert_eq!(ref_target(&branches[1]), Some("WebhookReservedConcurrency"));
            assert_eq!(ref_target(&branches[2]), Some("AWS::NoValue"));
        } else {
            assert!(
                reserved.is_null(),
                "{}: only webhooks and streamed functions reserve concurrency",
                f.binary
            );
        }
    }
    assert!(template.doc["Parameters"]["WebhookReservedConcurrency"]["Default"].as_u64() > Some(0));
    assert!(template.doc["Parameters"]["ExportReservedConcurrency"]["Default"].as_u64() > Some(0));
}

#[test]
fn access_logs_name_the_route_never_the_path() {
    let template = Template::load();
    let format = template.resource("HttpApi").unwrap()["Properties"]["AccessLogSettings"]["Format"]
        .as_str()
        .expect("an access log format");
    assert!(
        !format.contains("$context.path"),
        "the CDR path carries the organization's token: {format}"
    );
    assert!(format.contains("$context.routeKey"), "{format}");
    serde_json::from_str::<serde_json::Value>(format).expect("the format is one JSON object");
}

#[test]
fn the_admin_ui_is_served_with_security_headers() {
    let template = Template::load();
    let distribution =
        &template.resource("Distribution").unwrap()["Properties"]["DistributionConfig"];
    let policy_id = ref_target(&distribution["DefaultCacheBehavior"]["ResponseHeadersPolicyId"])
        .expect("the SPA behaviour needs ResponseHeadersPolicyId: !Ref <policy>");
    let policy = template.resource(policy_id).expect("the policy resource");
    assert_eq!(policy["Type"], "AWS::CloudFront::ResponseHeadersPolicy");
    let headers = &policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];
    let csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        .as_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(
        headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"].as_u64() >= Some(31_536_000)
    );
    assert_eq!(headers["ContentTypeOptions"]["Override"], true);
    assert_eq!(headers["FrameOptions"]["FrameOption"], "DENY");
    assert!(headers["ReferrerPolicy"]["ReferrerPolicy"].is_string());
    for (name, header) in headers.as_object().unwrap() {
        assert_eq!(
            header["Override"], true,
            "{name} must override what an origin sends"
        );
    }
}
