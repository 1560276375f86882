//! The non-HTTP entry points: WebSocket routes and the live-calls stream reach the functions
//! ARCHITECTURE §3 names for them, with the permissions API Gateway needs to call them.

use std::collections::BTreeMap;

use crate::cfn::{Template, get_att, ref_target, sub_references, sub_text};

/// `arn:…/functions/${WsConnectFunction.Arn}/invocations` → `WsConnectFunction`.
fn integration_function<'a>(template: &'a Template, integration: &str) -> Option<&'a str> {
    let uri = sub_text(&template.resource(integration)?["Properties"]["IntegrationUri"])?;
    let arn = sub_references(uri)
        .into_iter()
        .find_map(|r| r.strip_suffix(".Arn"))?;
    template.resource(arn).map(|_| arn)
}

#[test]
fn websocket_routes_reach_ws_connect_disconnect_and_default() {
    let template = Template::load();
    let mut routes = BTreeMap::new();
    let mut route_ids = Vec::new();
    for (id, route) in template.resources_of_type("AWS::ApiGatewayV2::Route") {
        let props = &route["Properties"];
        assert_eq!(ref_target(&props["ApiId"]), Some("WebSocketApi"), "{id}");
        let key = props["RouteKey"].as_str().expect("RouteKey").to_owned();
        let target = sub_text(&props["Target"]).unwrap_or_default();
        let integration = target
            .strip_prefix("integrations/${")
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or_else(|| panic!("{id}: Target must be !Sub integrations/${{Integration}}"));
        let function = integration_function(&template, integration)
            .unwrap_or_else(|| panic!("{integration} must invoke a function of this template"));
        let binary = template.binary_of(function).unwrap_or(function);
        routes.insert(key.clone(), binary.to_owned());
        route_ids.push(id);

        // API Gateway may call the function for this route, and only for this API.
        let permitted = template
            .resources_of_type("AWS::Lambda::Permission")
            .any(|(_, p)| {
                let p = &p["Properties"];
                ref_target(&p["FunctionName"]) == Some(function)
                    && p["Principal"] == "apigateway.amazonaws.com"
                    && sub_text(&p["SourceArn"]).is_some_and(|arn| {
                        arn.contains("${WebSocketApi}/") && arn.ends_with(&format!("/{key}"))
                    })
            });
        assert!(
            permitted,
            "{function} needs an AWS::Lambda::Permission for WebSocketApi route {key}"
        );
    }
    let expected: BTreeMap<String, String> = [
        ("$connect", "ws-connect"),
        ("$disconnect", "ws-disconnect"),
        ("$default", "ws-default"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(routes, expected);

    let api = &template.resource("WebSocketApi").unwrap()["Properties"];
    assert_eq!(api["ProtocolType"], "WEBSOCKET");
    let (_, stage) = template
        .resources_of_type("AWS::ApiGatewayV2::Stage")
        .find(|(_, s)| ref_target(&s["Properties"]["ApiId"]) == Some("WebSocketApi"))
        .expect("a WebSocket stage");
    let deployment = ref_target(&stage["Properties"]["DeploymentId"]).expect("stage deployment");
    let after = crate::cfn::one_or_many(&template.resource(deployment).unwrap()["DependsOn"])
        .into_iter()
        .filter_map(|d| d.as_str())
        .collect::<Vec<_>>();
    for id in route_ids {
        assert!(
            after.contains(&id),
            "{deployment} must DependsOn {id}, or the stage deploys without it"
        );
    }
}

#[test]
fn live_call_changes_stream_to_presence_fanout_only() {
    let template = Template::load();
    let table = &template.resource("LiveCallsTable").expect("LiveCallsTable")["Properties"];
    assert_eq!(
        table["StreamSpecification"]["StreamViewType"], "NEW_AND_OLD_IMAGES",
        "fan-out needs the old image to tell a hang-up from an update"
    );
    let mut consumers = Vec::new();
    for f in template.rust_functions() {
        for (name, event) in f.resource["Properties"]["Events"]
            .as_object()
            .into_iter()
            .flatten()
        {
            if event["Type"] == "DynamoDB" {
                assert_eq!(
                    get_att(&event["Properties"]["Stream"]),
                    Some(("LiveCallsTable", "StreamArn")),
                    "{}: event {name}",
                    f.binary
                );
                consumers.push(f.binary);
            }
        }
    }
    assert_eq!(consumers, vec!["presence-fanout"]);
}
