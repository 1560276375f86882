//! localstack/docker-compose.yml, checked without a Docker engine: the services a user needs, pinned
//! images, loopback-only ports, health checks gating start order, and `opbx-local` configured only
//! through variables the code really reads. Also the template's variables, by the same rule.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::cfn::{Template, read, repo_root, yaml_to_json};

/// Prefixes of the variables OpBX configures itself with: its own, and the AWS SDK's per-service
/// endpoints (`AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI` names the WebSocket stage).
const CONFIG_PREFIXES: [&str; 2] = ["OPBX_", "AWS_ENDPOINT_URL_"];

fn is_config_variable(name: &str) -> bool {
    CONFIG_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Every such variable named in a string literal of the Rust sources of `shared/` and `functions/`.
fn variables_the_code_reads() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for dir in ["shared/src", "shared/aws/src", "functions"] {
        scan(&repo_root().join(dir), &mut names);
    }
    names
}

fn scan(dir: &Path, names: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scan(&path, names);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for prefix in CONFIG_PREFIXES {
                for piece in text.split(&format!("\"{prefix}")).skip(1) {
                    if let Some((rest, _)) = piece.split_once('"') {
                        names.insert(format!("{prefix}{rest}"));
                    }
                }
            }
        }
    }
}

fn compose() -> Value {
    yaml_to_json(
        &read("localstack/docker-compose.yml"),
        "localstack/docker-compose.yml",
    )
}

/// `${NAME:-default}` → `default`, as docker compose interpolates an unset variable.
fn interpolate_defaults(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("closed ${…}") + start;
        let inner = &rest[start + 2..end];
        out.push_str(inner.split_once(":-").map_or("", |(_, d)| d));
        rest = &rest[end + 1..];
    }
    out + rest
}

#[test]
fn compose_runs_opbx_local_on_mariadb_redis_and_a_dynamodb_emulator() {
    let doc = compose();
    let services = doc["services"].as_object().expect("services");
    let names: BTreeSet<&str> = services.keys().map(String::as_str).collect();
    for needed in [
        "mariadb",
        "redis",
        "dynamodb",
        "dynamodb-tables",
        "opbx",
        "localstack",
    ] {
        assert!(names.contains(needed), "service {needed} is missing");
    }
    let mut problems = Vec::new();
    for (name, s) in services {
        match (s.get("build"), s["image"].as_str()) {
            (Some(build), _) => {
                let context = repo_root()
                    .join("localstack")
                    .join(build["context"].as_str().unwrap_or("."));
                let dockerfile = context.join(build["dockerfile"].as_str().unwrap_or("Dockerfile"));
                if !dockerfile.is_file() {
                    problems.push(format!("{name}: {} does not exist", dockerfile.display()));
                }
            }
            (None, Some(image)) => {
                let tag = image.rsplit_once(':').map(|(_, t)| t);
                if matches!(tag, None | Some("latest")) {
                    problems.push(format!("{name}: pin the image to a version ({image})"));
                }
            }
            (None, None) => problems.push(format!("{name}: neither image nor build")),
        }
        for port in s["ports"].as_array().into_iter().flatten() {
            let port = interpolate_defaults(port.as_str().unwrap_or_default());
            if !port.starts_with("127.0.0.1:") {
                problems.push(format!("{name}: publish {port} on 127.0.0.1 only"));
            }
        }
        let one_shot = s["restart"] == "no";
        if !one_shot
            && s["healthcheck"]["test"]
                .as_array()
                .is_none_or(Vec::is_empty)
        {
            problems.push(format!(
                "{name}: a long-running service needs a healthcheck"
            ));
        }
        for (dependency, condition) in s["depends_on"].as_object().into_iter().flatten() {
            if condition["condition"] != "service_healthy" {
                problems.push(format!(
                    "{name}: wait for {dependency} with service_healthy"
                ));
            }
            if !services.contains_key(dependency) {
                problems.push(format!("{name}: depends on unknown service {dependency}"));
            }
        }
        for volume in s["volumes"].as_array().into_iter().flatten() {
            let source = volume
                .as_str()
                .unwrap_or_default()
                .split(':')
                .next()
                .unwrap();
            if source.starts_with("./") && !repo_root().join("localstack").join(source).exists() {
                problems.push(format!("{name}: mounts {source}, which does not exist"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let localstack = &services["localstack"];
    assert_eq!(
        localstack["profiles"][0], "localstack",
        "LocalStack stays optional"
    );
    assert!(
        localstack["environment"]
            .get("LOCALSTACK_AUTH_TOKEN")
            .is_some(),
        "current LocalStack images start only with an auth token"
    );
    let tables = &services["dynamodb-tables"];
    assert_eq!(tables["entrypoint"][1], "/init/create-tables.sh");
    assert!(
        repo_root()
            .join("localstack/init/create-tables.sh")
            .is_file()
    );
}

#[test]
fn compose_configures_opbx_local_with_variables_it_reads_and_services_that_exist() {
    let doc = compose();
    let services = &doc["services"];
    let env: BTreeMap<String, String> = services["opbx"]["environment"]
        .as_object()
        .expect("opbx environment as a mapping")
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                interpolate_defaults(v.as_str().unwrap_or_default()),
            )
        })
        .collect();
    let read = variables_the_code_reads();
    for name in env.keys().filter(|k| is_config_variable(k)) {
        assert!(read.contains(name), "opbx sets {name}, which no code reads");
    }
    // The URLs point at the compose services, with the credentials MariaDB is created with.
    let mariadb = &services["mariadb"]["environment"];
    let expected_db = format!(
        "mysql://{}:{}@mariadb:3306/{}",
        mariadb["MARIADB_USER"].as_str().unwrap(),
        mariadb["MARIADB_PASSWORD"].as_str().unwrap(),
        mariadb["MARIADB_DATABASE"].as_str().unwrap()
    );
    assert_eq!(env["OPBX_DATABASE_URL"], expected_db);
    assert_eq!(env["OPBX_REDIS_URL"], "redis://redis:6379/");
    // And the code accepts them: the same parser opbx-local starts with.
    let config =
        opbx::config::Config::from_lookup(|k| env.get(k).filter(|v| !v.is_empty()).cloned())
            .expect("opbx-local accepts the compose environment");
    assert_eq!(config.listen.port(), 8080);
    assert_eq!(
        config.bootstrap.password, None,
        "generated and printed once"
    );
    let published = services["opbx"]["ports"][0].as_str().unwrap();
    assert!(interpolate_defaults(published).ends_with(":8080"));
}

#[test]
fn template_sets_only_variables_the_code_reads() {
    let template = Template::load();
    let read = variables_the_code_reads();
    let set = template.doc["Globals"]["Function"]["Environment"]["Variables"]
        .as_object()
        .expect("Globals environment");
    let unread: Vec<&String> = set
        .keys()
        .filter(|k| is_config_variable(k) && !read.contains(*k))
        .collect();
    assert!(
        unread.is_empty(),
        "infra/template.yaml sets {unread:?}, which no code under shared/ or functions/ reads: \
         rename them to what the code reads, or drop them"
    );
}

#[test]
fn compose_default_interpolation_matches_docker_compose() {
    assert_eq!(
        interpolate_defaults("127.0.0.1:${P:-8080}:8080"),
        "127.0.0.1:8080:8080"
    );
    assert_eq!(interpolate_defaults("${EMPTY:-}"), "");
    assert_eq!(interpolate_defaults("plain"), "plain");
}
