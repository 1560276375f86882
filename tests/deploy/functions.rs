//! The template declares exactly the functions that exist and exactly the routes their routers
//! serve. On a mismatch the failure lists each difference and, for every function whose routes
//! differ, the `Events:` block to paste into infra/template.yaml (generated from HTTP_FUNCTIONS).

use std::collections::{BTreeMap, BTreeSet};

use opbx::http::{Answer, HTTP_FUNCTIONS};
use serde_json::Value;

use crate::cfn::{Template, read, ref_target, repo_root, sub_text};

/// Crates under `functions/` that become Lambdas: every one but `local` (opbx-local).
fn function_crates() -> BTreeSet<String> {
    let dir = repo_root().join("functions");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("Cargo.toml").is_file())
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|name| name != "local")
        .collect()
}

#[test]
fn every_function_crate_has_exactly_one_template_function_and_back() {
    let template = Template::load();
    let crates = function_crates();
    let mut by_binary: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (logical_id, binary) in template.serverless_functions() {
        match binary {
            Some(b) => by_binary.entry(b).or_default().push(logical_id),
            None => problems.push(format!(
                "template function {logical_id} names no Metadata.BuildProperties.Binary"
            )),
        }
    }
    for krate in &crates {
        // The crate's binary must carry its directory's name: that is what SAM builds.
        let manifest = read(&format!("functions/{krate}/Cargo.toml"));
        if !manifest.contains(&format!("name = \"{krate}\"")) {
            problems.push(format!(
                "functions/{krate}/Cargo.toml must name its package and [[bin]] \"{krate}\""
            ));
        }
        if !by_binary.contains_key(krate.as_str()) {
            problems.push(format!(
                "functions/{krate} exists but the template declares no function with \
                 BuildProperties: Binary: {krate}"
            ));
        }
    }
    for (binary, ids) in &by_binary {
        if !crates.contains(*binary) {
            problems.push(format!(
                "template declares {binary} ({}) but functions/{binary} does not exist",
                ids.join(", ")
            ));
        }
        if ids.len() > 1 {
            problems.push(format!(
                "template declares {binary} more than once: {}",
                ids.join(", ")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "functions/ and infra/template.yaml disagree:\n  {}",
        problems.join("\n  ")
    );
}

/// API Gateway spells a greedy path parameter `{name+}` where axum spells it `{*name}`.
fn api_gateway_path(axum_path: &str) -> String {
    axum_path
        .split('/')
        .map(|seg| match seg.strip_prefix("{*") {
            Some(rest) => format!("{{{}+}}", rest.trim_end_matches('}')),
            None => seg.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

type Route = (String, String);

fn served_routes() -> BTreeMap<Route, &'static str> {
    let mut routes = BTreeMap::new();
    for f in HTTP_FUNCTIONS {
        for r in f.routes {
            let key = (r.method.to_owned(), api_gateway_path(r.path));
            if let Some(other) = routes.insert(key, f.name) {
                panic!(
                    "HTTP_FUNCTIONS serves {} {} from both {other} and {}",
                    r.method, r.path, f.name
                );
            }
        }
    }
    routes
}

/// (method, path) → binary of the function whose HttpApi events declare it.
fn declared_routes(template: &Template, problems: &mut Vec<String>) -> BTreeMap<Route, String> {
    let mut routes = BTreeMap::new();
    for f in template.rust_functions() {
        let Some(events) = f.resource["Properties"]["Events"].as_object() else {
            continue;
        };
        for (name, event) in events {
            if event["Type"] != "HttpApi" {
                continue;
            }
            let props = &event["Properties"];
            if ref_target(&props["ApiId"]) != Some("HttpApi") {
                problems.push(format!(
                    "{}: event {name} must say ApiId: !Ref HttpApi (else SAM makes a second API)",
                    f.binary
                ));
            }
            let (Some(method), Some(path)) = (props["Method"].as_str(), props["Path"].as_str())
            else {
                problems.push(format!("{}: event {name} lacks Method or Path", f.binary));
                continue;
            };
            let key = (method.to_uppercase(), path.to_owned());
            if let Some(other) = routes.insert(key, f.binary.to_owned()) {
                problems.push(format!(
                    "template declares {method} {path} on both {other} and {}",
                    f.binary
                ));
            }
        }
    }
    for (path, binary) in streamed_routes(template, problems) {
        let key = ("GET".to_owned(), path.clone());
        if let Some(other) = routes.insert(key, binary.clone()) {
            problems.push(format!(
                "template declares GET {path} on both {other} and {binary}"
            ));
        }
    }
    routes
}

/// (path, binary) of each CloudFront behavior whose origin is a function's URL: how a streamed
/// function's routes are reached (GET only, CloudFront's default methods). Each such function must
/// stream, and each streamed function must have its URL in streaming mode.
fn streamed_routes(template: &Template, problems: &mut Vec<String>) -> Vec<(String, String)> {
    let config = &template.resource("Distribution").expect("Distribution")["Properties"]["DistributionConfig"];
    // Origin id → the function whose URL (`<Function>Url`, SAM's name for it) it fetches from.
    let mut origins = BTreeMap::new();
    for origin in config["Origins"].as_array().into_iter().flatten() {
        for id in crate::cfn::referenced_ids(&origin["DomainName"]) {
            if let Some(binary) = id
                .strip_suffix("Url")
                .and_then(|function| template.binary_of(function))
            {
                origins.insert(origin["Id"].as_str().unwrap_or_default(), binary);
            }
        }
    }
    let mut routes = Vec::new();
    for behavior in config["CacheBehaviors"].as_array().into_iter().flatten() {
        let origin = behavior["TargetOriginId"].as_str().unwrap_or_default();
        let (Some(binary), Some(path)) = (origins.get(origin), behavior["PathPattern"].as_str())
        else {
            continue;
        };
        if behavior.get("AllowedMethods").is_some() {
            problems.push(format!(
                "{binary}: the behavior for {path} must keep CloudFront's default methods (GET, HEAD)"
            ));
        }
        routes.push((path.to_owned(), binary.to_string()));
    }
    for f in template.rust_functions() {
        let url = &f.resource["Properties"]["FunctionUrlConfig"];
        let streams = url["InvokeMode"] == "RESPONSE_STREAM";
        let listed = HTTP_FUNCTIONS.iter().find(|h| h.name == f.binary);
        match listed.map(|h| h.answer) {
            Some(Answer::Streamed) if !streams => problems.push(format!(
                "{}: streams its answers, so it needs FunctionUrlConfig: {{AuthType: NONE, \
                 InvokeMode: RESPONSE_STREAM}} and a CloudFront behavior per route",
                f.binary
            )),
            Some(Answer::Buffered) | None if !url.is_null() => problems.push(format!(
                "{}: a Function URL bypasses the HTTP API's throttling; only streamed functions \
                 have one",
                f.binary
            )),
            _ => {}
        }
        let main = crate::cfn::read(&format!("functions/{}/src/main.rs", f.binary));
        if streams != main.contains("serve_streaming") {
            problems.push(format!(
                "{}: a function with a streaming URL calls opbx::lambda::serve_streaming, and \
                 only such a function does",
                f.binary
            ));
        }
    }
    routes
}

/// One function's differences between HTTP_FUNCTIONS and the template.
#[derive(Default)]
struct RouteDiff {
    not_declared: Vec<String>,
    not_served: Vec<String>,
    elsewhere: Vec<String>,
}

#[test]
fn every_served_route_is_declared_on_its_function_and_back() {
    let template = Template::load();
    let mut problems = Vec::new();
    let declared = declared_routes(&template, &mut problems);
    let served = served_routes();
    let mut diffs: BTreeMap<String, RouteDiff> = BTreeMap::new();
    for ((method, path), function) in &served {
        let route = format!("{method} {path}");
        match declared.get(&(method.clone(), path.clone())) {
            Some(f) if f == function => {}
            Some(f) => {
                let moved = format!("{route} is served by {function} but declared on {f}");
                diffs
                    .entry(f.clone())
                    .or_default()
                    .elsewhere
                    .push(moved.clone());
                diffs
                    .entry(function.to_string())
                    .or_default()
                    .elsewhere
                    .push(moved);
            }
            None => diffs
                .entry(function.to_string())
                .or_default()
                .not_declared
                .push(route),
        }
    }
    for ((method, path), function) in &declared {
        if !served.contains_key(&(method.clone(), path.clone())) {
            diffs
                .entry(function.clone())
                .or_default()
                .not_served
                .push(format!("{method} {path}"));
        }
    }
    for (function, diff) in &diffs {
        let mut report = format!("{function}:");
        let mut section = |label: &str, routes: &[String]| {
            if !routes.is_empty() {
                report.push_str(&format!("\n    {label}: {}", routes.join(", ")));
            }
        };
        section("served but not in the template", &diff.not_declared);
        section("in the template but served by no router", &diff.not_served);
        section("on the wrong function", &diff.elsewhere);
        let in_list = HTTP_FUNCTIONS.iter().any(|f| f.name == function);
        match template.logical_id_of_binary(function) {
            None => report.push_str(&format!(
                "\n    no template function; add one:\n{}",
                function_snippet(function)
            )),
            Some(id) if in_list => report.push_str(&format!(
                "\n    replace {id}'s HttpApi events (other events stay) with:\n{}",
                events_snippet(function)
            )),
            Some(_) => report.push_str(
                "\n    not in HTTP_FUNCTIONS: its crate is not merged yet, or it serves no HTTP \
                 route and its HttpApi events must go",
            ),
        }
        problems.push(report);
    }
    assert!(
        problems.is_empty(),
        "routes in HTTP_FUNCTIONS (shared/src/http/mod.rs) and infra/template.yaml disagree:\n  {}",
        problems.join("\n  ")
    );
}

/// `GET /api/v1/users/{id}` → `GetApiV1UsersId`: a stable, unique event name per route.
pub fn event_name(method: &str, path: &str) -> String {
    let mut name = String::new();
    for word in std::iter::once(method.to_lowercase())
        .chain(
            path.split(|c: char| !c.is_ascii_alphanumeric())
                .map(str::to_owned),
        )
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars);
        }
    }
    name
}

/// The `Events:` block (indented for a function's Properties) that HTTP_FUNCTIONS implies; an
/// empty string for a function that serves no HTTP route.
pub fn events_snippet(binary: &str) -> String {
    let Some(f) = HTTP_FUNCTIONS.iter().find(|f| f.name == binary) else {
        return "      Events: {}   # serves no HTTP route\n".into();
    };
    let mut out = String::from("      Events:\n");
    for r in f.routes {
        out.push_str(&format!(
            "        {}:\n          Type: HttpApi\n          Properties:\n            ApiId: !Ref HttpApi\n            Method: {}\n            Path: {}\n",
            event_name(r.method, r.path),
            r.method,
            api_gateway_path(r.path)
        ));
    }
    out
}

/// `api-call-logs` → `ApiCallLogs`.
pub fn camel(binary: &str) -> String {
    event_name("", binary)
}

/// A whole function (and its log group) as the template spells one, for a new crate.
pub fn function_snippet(binary: &str) -> String {
    let id = camel(binary);
    format!(
        "  {id}Function:\n    Type: AWS::Serverless::Function\n    DependsOn: Migrations\n    Metadata:\n      BuildMethod: rust-cargolambda\n      BuildProperties:\n        Binary: {binary}\n    Properties:\n      FunctionName: !Sub ${{AWS::StackName}}-{binary}\n      LoggingConfig:\n        LogGroup: !Ref {id}Logs\n{}\n  {id}Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: !Sub /aws/lambda/${{AWS::StackName}}-{binary}\n      RetentionInDays: !Ref LogRetentionDays\n\n  (and add {id}Function to a Throttles…Alarm with room: at most ten metrics each)\n",
        events_snippet(binary)
    )
}

#[test]
fn event_names_and_paths_follow_api_gateway_spelling() {
    assert_eq!(event_name("GET", "/api/v1/users/{id}"), "GetApiV1UsersId");
    assert_eq!(
        event_name("POST", "/webhooks/cloudonix/cdr/{org_token}"),
        "PostWebhooksCloudonixCdrOrgToken"
    );
    assert_eq!(camel("api-call-logs"), "ApiCallLogs");
    assert_eq!(api_gateway_path("/files/{*rest}"), "/files/{rest+}");
    assert_eq!(api_gateway_path("/a/{id}"), "/a/{id}");
    let health = events_snippet("health");
    assert!(
        health.contains("GetHealth:") && health.contains("Path: /health"),
        "{health}"
    );
}

/// The runtime settings each function shares, its log group and its place in the deploy order.
#[test]
fn every_function_has_the_runtime_contract_logs_and_deploy_order() {
    let template = Template::load();
    let globals = &template.doc["Globals"]["Function"];
    assert_eq!(globals["Runtime"], "provided.al2023");
    assert_eq!(globals["Handler"], "bootstrap");
    assert_eq!(
        ref_target(&globals["Architectures"][0]),
        Some("Architecture"),
        "the architecture is a parameter (arm64 by default)"
    );
    assert_eq!(
        template.doc["Parameters"]["Architecture"]["Default"],
        "arm64"
    );
    assert_eq!(
        globals["Environment"]["Variables"]["AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH"],
        "true"
    );
    let mut problems = Vec::new();
    for f in template.rust_functions() {
        let (id, b, props) = (f.logical_id, f.binary, &f.resource["Properties"]);
        if f.resource["Metadata"]["BuildMethod"] != "rust-cargolambda" {
            problems.push(format!(
                "{b}: Metadata.BuildMethod must be rust-cargolambda"
            ));
        }
        for key in ["Runtime", "Handler", "Architectures", "CodeUri"] {
            if props.get(key).is_some() {
                problems.push(format!(
                    "{b}: {key} comes from Globals; remove it from {id}"
                ));
            }
        }
        if sub_text(&props["FunctionName"]) != Some(&format!("${{AWS::StackName}}-{b}")) {
            problems.push(format!(
                "{b}: FunctionName must be !Sub ${{AWS::StackName}}-{b}"
            ));
        }
        match ref_target(&props["LoggingConfig"]["LogGroup"]).and_then(|g| template.resource(g)) {
            Some(group)
                if group["Type"] == "AWS::Logs::LogGroup"
                    && ref_target(&group["Properties"]["RetentionInDays"])
                        == Some("LogRetentionDays") => {}
            _ => problems.push(format!(
                "{b}: LoggingConfig.LogGroup must !Ref a log group with RetentionInDays: !Ref LogRetentionDays"
            )),
        }
        let depends: Vec<&Value> = crate::cfn::one_or_many(&f.resource["DependsOn"]);
        let after_migrations = depends.iter().any(|d| *d == "Migrations");
        match (b, after_migrations) {
            ("migrate", true) => {
                problems.push("migrate cannot depend on the Migrations it runs".into())
            }
            ("migrate", false) | (_, true) => {}
            (_, false) => problems.push(format!(
                "{b}: DependsOn: Migrations, so new code starts only on a migrated schema"
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_function_is_watched_by_exactly_one_throttle_alarm() {
    let template = Template::load();
    let mut watched: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (alarm, r) in template.resources_of_type("AWS::CloudWatch::Alarm") {
        let metrics = r["Properties"]["Metrics"].as_array();
        for m in metrics.into_iter().flatten() {
            let metric = &m["MetricStat"]["Metric"];
            if metric["MetricName"] != "Throttles" {
                continue;
            }
            for d in metric["Dimensions"].as_array().into_iter().flatten() {
                if let Some(f) = ref_target(&d["Value"]) {
                    watched.entry(f.to_owned()).or_default().push(alarm);
                }
            }
        }
        let count = metrics.map_or(0, Vec::len);
        assert!(
            count <= 11,
            "{alarm}: CloudWatch allows ten metrics plus the expression, found {count}"
        );
    }
    let mut problems = Vec::new();
    for f in template.rust_functions() {
        match watched.get(f.logical_id).map(Vec::as_slice) {
            Some([_]) => {}
            None => problems.push(format!(
                "{} is in no Throttles…Alarm; add it to one with fewer than ten metrics",
                f.binary
            )),
            Some(alarms) => problems.push(format!(
                "{} is in several throttle alarms: {}",
                f.binary,
                alarms.join(", ")
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn migrations_run_through_the_custom_resource_on_each_new_migrate_version() {
    let template = Template::load();
    let migrate = template
        .logical_id_of_binary("migrate")
        .expect("the template declares migrate");
    let migrations = template
        .resource("Migrations")
        .expect("a Migrations custom resource");
    assert_eq!(migrations["Type"], "AWS::CloudFormation::CustomResource");
    let props = &migrations["Properties"];
    assert_eq!(
        ref_target(&props["MigrateFunction"]),
        Some(format!("{migrate}.Version").as_str()),
        "the resource must name the published version, so new code re-runs migrations"
    );
    assert_eq!(
        template.resource(migrate).unwrap()["Properties"]["AutoPublishAlias"],
        "live",
        "a version exists only with AutoPublishAlias"
    );
    let (trigger, _) = crate::cfn::get_att(&props["ServiceToken"]).expect("ServiceToken: !GetAtt");
    // The trigger is the one function not built from a crate: inline, for cfnresponse.
    let others: Vec<&str> = template
        .resources_of_type("AWS::Lambda::Function")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(others, vec![trigger]);
    let code = template.resource(trigger).unwrap()["Properties"]["Code"]["ZipFile"]
        .as_str()
        .expect("inline trigger code");
    for needle in [
        "cfnresponse.send",
        "\"Delete\"",
        "FunctionError",
        "MigrateFunction",
    ] {
        assert!(code.contains(needle), "trigger code lacks {needle}");
    }
}
