//! Least privilege: each function's role holds only inline statements naming exact actions on
//! this stack's own tables, WebSocket API, jobs queue and secrets. SAM adds the basic execution, VPC,
//! stream-read and queue-read
//! permissions itself.

use serde_json::Value;

use crate::cfn::{Template, get_att, one_or_many, referenced_ids};

#[test]
fn function_policies_name_exact_actions_on_this_stacks_resources() {
    let template = Template::load();
    let mut problems = Vec::new();
    for f in template.rust_functions() {
        for policy in one_or_many(&f.resource["Properties"]["Policies"]) {
            let Some(statements) = policy.get("Statement") else {
                problems.push(format!(
                    "{}: only inline Statement policies (no managed policies or SAM policy \
                     templates, which grant more than one function needs): {policy}",
                    f.binary
                ));
                continue;
            };
            for s in one_or_many(statements).into_iter().flat_map(either_branch) {
                check_statement(&template, f.binary, s, &mut problems);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A statement, or both of a conditional one's branches (`!If [UsesSes, {…}, !Ref AWS::NoValue]`):
/// what a condition may grant is checked as if it held.
fn either_branch(s: &Value) -> Vec<&Value> {
    match s.get("Fn::If").and_then(Value::as_array) {
        Some(branches) => branches.iter().skip(1).filter(|b| b.is_object()).collect(),
        None => vec![s],
    }
}

fn check_statement(template: &Template, function: &str, s: &Value, problems: &mut Vec<String>) {
    if s["Effect"] != "Allow" {
        return;
    }
    let actions: Vec<&str> = one_or_many(&s["Action"])
        .into_iter()
        .filter_map(Value::as_str)
        .collect();
    if actions.is_empty() || actions.iter().any(|a| a.contains('*')) {
        problems.push(format!(
            "{function}: actions must be named one by one: {actions:?}"
        ));
    }
    for resource in one_or_many(&s["Resource"]) {
        if resource == "*" || resource.as_str().is_some_and(|r| r.ends_with(":*")) {
            problems.push(format!("{function}: {actions:?} on every resource"));
            continue;
        }
        let targets = referenced_ids(resource);
        let kinds: Vec<&str> = targets
            .iter()
            .filter_map(|id| template.resource(id))
            .filter_map(|r| r["Type"].as_str())
            .collect();
        for action in &actions {
            let allowed = match action.split(':').next() {
                Some("dynamodb") => kinds.contains(&"AWS::DynamoDB::Table"),
                // Each function's own secrets; which ones is tests/deploy/secrets.rs's concern.
                // An optional secret (`!If [HasSmtp, !Ref …, !Ref AWS::NoValue]`) is nothing
                // when unset.
                Some("secretsmanager") => {
                    *action == "secretsmanager:GetSecretValue"
                        && !targets.is_empty()
                        && targets
                            .iter()
                            .filter(|t| !t.starts_with("AWS::"))
                            .all(|t| is_secret(template, t))
                }
                // The jobs queue: its senders (functions that start jobs, and the worker's
                // retries); receiving is the event source mapping's, which SAM grants.
                Some("sqs") => *action == "sqs:SendMessage" && targets == ["JobsQueue"],
                // Objects (never the bucket's settings) of the private media bucket.
                Some("s3") => {
                    ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"].contains(action)
                        && targets == ["MediaBucket"]
                        && resource_text(resource).ends_with("/*")
                }
                // Mail through SES's API, from the account's verified identities.
                Some("ses") => {
                    ["ses:SendEmail", "ses:SendRawEmail"].contains(action)
                        && resource_text(resource).ends_with(":identity/*")
                }
                Some("execute-api") => {
                    *action == "execute-api:ManageConnections"
                        && targets.iter().any(|t| t == "WebSocketApi")
                        && resource_text(resource).contains("/@connections/")
                }
                _ => false,
            };
            if !allowed {
                problems.push(format!(
                    "{function}: {action} on {resource} is outside what OpBX functions need \
                     (this stack's tables, its WebSocket connections, its jobs queue, its media objects)"
                ));
            }
        }
    }
}

/// A secret of this stack, or a parameter naming one.
fn is_secret(template: &Template, id: &str) -> bool {
    match template.resource(id) {
        Some(r) => r["Type"] == "AWS::SecretsManager::Secret",
        None => id.ends_with("SecretArn") && template.doc["Parameters"].get(id).is_some(),
    }
}

fn resource_text(v: &Value) -> String {
    crate::cfn::sub_text(v)
        .map(str::to_owned)
        .or_else(|| get_att(v).map(|(a, b)| format!("{a}.{b}")))
        .unwrap_or_else(|| v.to_string())
}

/// The DynamoDB and Management API adapters are linked only into the functions that call them: a
/// function depends on `opbx-aws` exactly when its role may call DynamoDB or API Gateway. Without
/// it, a function handed the tables would refuse real-time calls; with it needlessly, it carries
/// code it never runs.
#[test]
fn functions_link_the_aws_adapters_exactly_when_their_role_calls_aws() {
    let template = Template::load();
    let mut problems = Vec::new();
    for f in template.rust_functions() {
        let calls_aws = one_or_many(&f.resource["Properties"]["Policies"])
            .into_iter()
            .filter_map(|policy| policy.get("Statement"))
            .flat_map(one_or_many)
            .flat_map(|s| one_or_many(&s["Action"]))
            .filter_map(Value::as_str)
            .any(|a| a.starts_with("dynamodb:") || a.starts_with("execute-api:"));
        let manifest = crate::cfn::read(&format!("functions/{}/Cargo.toml", f.binary));
        let links_aws = manifest
            .lines()
            .any(|l| l.trim_start().starts_with("opbx-aws"));
        let main = crate::cfn::read(&format!("functions/{}/src/main.rs", f.binary));
        let enters_aws = main.contains("opbx_aws::");
        if calls_aws != links_aws || links_aws != enters_aws {
            problems.push(format!(
                "{}: role calls AWS: {calls_aws}; Cargo.toml depends on opbx-aws: {links_aws}; \
                 main.rs enters through opbx_aws: {enters_aws} (all three must agree)",
                f.binary
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
