//! localstack/tables/*.json (aws CLI `create-table` / `update-time-to-live --cli-input-json`
//! input, used by localstack/init/create-tables.sh and the realtime tests) describe the same tables
//! as the template: keys, attribute types, indexes, stream and TTL. Names differ on purpose (the
//! stack names its own); everything that shapes queries must not.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::cfn::{Template, read, repo_root};

/// `live-calls` → `LiveCallsTable`.
fn logical_id(stem: &str) -> String {
    format!("{}Table", crate::functions::camel(stem))
}

fn local_definitions() -> Vec<String> {
    let dir = repo_root().join("localstack/tables");
    let mut stems: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && !n.ends_with(".ttl.json"))
        .map(|n| n.trim_end_matches(".json").to_owned())
        .collect();
    stems.sort();
    stems
}

fn json_file(relative: &str) -> Value {
    serde_json::from_str(&read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// What decides how a table can be queried, in one comparable shape.
fn shape(
    attributes: &Value,
    keys: &Value,
    indexes: &Value,
    billing: &Value,
    stream_view: &Value,
    ttl: &Value,
) -> Value {
    let set = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(Value::to_string)
            .collect()
    };
    let indexes: BTreeSet<String> = indexes
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            json!({
                "name": i["IndexName"],
                "keys": i["KeySchema"],
                "projection": i["Projection"]["ProjectionType"],
            })
            .to_string()
        })
        .collect();
    json!({
        "attributes": set(attributes),
        "keys": keys,
        "indexes": indexes,
        "billing": billing,
        "stream": stream_view,
        "ttl": ttl,
    })
}

#[test]
fn local_table_definitions_match_the_template() {
    let template = Template::load();
    let stems = local_definitions();
    let declared: BTreeSet<String> = template
        .resources_of_type("AWS::DynamoDB::Table")
        .map(|(id, _)| id.to_owned())
        .collect();
    let local: BTreeSet<String> = stems.iter().map(|s| logical_id(s)).collect();
    assert_eq!(
        local, declared,
        "every template table needs localstack/tables/<kebab-name>.json and back"
    );
    for stem in &stems {
        let file = json_file(&format!("localstack/tables/{stem}.json"));
        let ttl_path = format!("localstack/tables/{stem}.ttl.json");
        let ttl = repo_root()
            .join(&ttl_path)
            .is_file()
            .then(|| json_file(&ttl_path));
        if let Some(ttl) = &ttl {
            assert_eq!(
                ttl["TableName"], file["TableName"],
                "{ttl_path} must name the table {stem}.json creates"
            );
        }
        let stream = &file["StreamSpecification"];
        let local = shape(
            &file["AttributeDefinitions"],
            &file["KeySchema"],
            &file["GlobalSecondaryIndexes"],
            &file["BillingMode"],
            if stream["StreamEnabled"] == true {
                &stream["StreamViewType"]
            } else {
                &Value::Null
            },
            &ttl.as_ref().map_or(Value::Null, |t| {
                t["TimeToLiveSpecification"]["AttributeName"].clone()
            }),
        );
        let id = logical_id(stem);
        let p = &template.resource(&id).unwrap()["Properties"];
        let ttl_spec = &p["TimeToLiveSpecification"];
        let deployed = shape(
            &p["AttributeDefinitions"],
            &p["KeySchema"],
            &p["GlobalSecondaryIndexes"],
            &p["BillingMode"],
            &p["StreamSpecification"]["StreamViewType"],
            if ttl_spec["Enabled"] == true {
                &ttl_spec["AttributeName"]
            } else {
                &Value::Null
            },
        );
        assert_eq!(
            local, deployed,
            "localstack/tables/{stem}.json and the template's {id} differ"
        );
    }
}

/// The functions learn the table names from the template's environment; the names the code reads
/// must be the ones the template sets.
#[test]
fn every_table_reaches_the_functions_by_name() {
    let template = Template::load();
    let vars = &template.doc["Globals"]["Function"]["Environment"]["Variables"];
    for (id, _) in template.resources_of_type("AWS::DynamoDB::Table") {
        let set =
            vars.as_object().unwrap().iter().any(|(name, v)| {
                name.starts_with("OPBX_") && crate::cfn::ref_target(v) == Some(id)
            });
        assert!(
            set,
            "no OPBX_* variable passes {id}'s name to the functions"
        );
    }
}

/// The names the DynamoDB adapters use, where they export them, are the template's.
#[test]
fn the_adapters_use_the_templates_index_and_ttl_names() {
    use opbx_aws::dynamodb::{CONNECTIONS_BY_ORGANIZATION, TTL_ATTRIBUTE};
    let template = Template::load();
    for (id, table) in template.resources_of_type("AWS::DynamoDB::Table") {
        assert_eq!(
            table["Properties"]["TimeToLiveSpecification"]["AttributeName"], TTL_ATTRIBUTE,
            "{id}: the adapters write expiry to {TTL_ATTRIBUTE:?}"
        );
    }
    let index = &template.resource("ConnectionsTable").unwrap()["Properties"]["GlobalSecondaryIndexes"]
        [0]["IndexName"];
    assert_eq!(index, CONNECTIONS_BY_ORGANIZATION);
    // Policies name the index too; a rename there would deny the fan-out its query.
    let text = template.doc["Resources"].to_string();
    let mentions: Vec<usize> = text.match_indices("/index/").map(|(at, _)| at).collect();
    assert!(
        !mentions.is_empty(),
        "presence-fanout's policy names the index"
    );
    for at in mentions {
        let named: String = text[at + "/index/".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        assert_eq!(
            named, CONNECTIONS_BY_ORGANIZATION,
            "a policy names index {named}"
        );
    }
}
