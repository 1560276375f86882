//! Loads CloudFormation/SAM YAML as JSON values, with the short-form tags (`!Ref`, `!Sub`,
//! `!GetAtt` …) turned into their long forms (`{"Ref": …}`, `{"Fn::Sub": …}`), so every check
//! reads one shape whichever form the template uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Value};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_path_buf()
}

pub fn read(relative: &str) -> String {
    let path = repo_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Parses one YAML document; duplicate keys are an error (saphyr's default).
pub fn yaml_to_json(source: &str, what: &str) -> Value {
    let docs = Yaml::load_from_str(source).unwrap_or_else(|e| panic!("{what} is not YAML: {e}"));
    assert_eq!(docs.len(), 1, "{what} must hold exactly one YAML document");
    convert(&docs[0], what)
}

fn convert(node: &Yaml, what: &str) -> Value {
    match node {
        Yaml::Value(scalar) => scalar_to_json(scalar),
        Yaml::Representation(text, ..) => Value::String(text.to_string()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(|i| convert(i, what)).collect()),
        Yaml::Mapping(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (key_string(k, what), convert(v, what)))
                .collect(),
        ),
        Yaml::Tagged(tag, inner) => {
            let inner = convert(inner, what);
            if tag.handle != "!" {
                return inner; // a core-schema tag such as !!str
            }
            let name = tag.suffix.as_str();
            let value = match (name, inner) {
                // !GetAtt Resource.Attribute is the string form of ["Resource", "Attribute"].
                ("GetAtt", Value::String(s)) => match s.split_once('.') {
                    Some((res, attr)) => Value::Array(vec![res.into(), attr.into()]),
                    None => Value::String(s),
                },
                (_, v) => v,
            };
            let key = match name {
                "Ref" | "Condition" => name.to_owned(),
                _ => format!("Fn::{name}"),
            };
            Value::Object(Map::from_iter([(key, value)]))
        }
        Yaml::Alias(_) | Yaml::BadValue => {
            panic!("{what}: YAML aliases and malformed values are not supported by CloudFormation")
        }
    }
}

fn scalar_to_json(scalar: &Scalar) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::from(*i),
        Scalar::FloatingPoint(f) => Value::from(f.into_inner()),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

fn key_string(key: &Yaml, what: &str) -> String {
    match convert(key, what) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// `infra/template.yaml`, parsed.
pub struct Template {
    pub doc: Value,
}

/// One `AWS::Serverless::Function` built from a crate under `functions/`.
pub struct RustFunction<'a> {
    pub logical_id: &'a str,
    pub binary: &'a str,
    pub resource: &'a Value,
}

impl Template {
    pub fn load() -> Self {
        Self {
            doc: yaml_to_json(&read("infra/template.yaml"), "infra/template.yaml"),
        }
    }

    pub fn resource(&self, logical_id: &str) -> Option<&Value> {
        self.doc["Resources"].get(logical_id)
    }

    pub fn resources_of_type<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.doc["Resources"]
            .as_object()
            .expect("the template has Resources")
            .iter()
            .filter(move |(_, r)| r["Type"] == kind)
            .map(|(id, r)| (id.as_str(), r))
    }

    /// Every serverless function, keyed by logical id, with the binary it is built from (None
    /// when `Metadata.BuildProperties.Binary` is missing).
    pub fn serverless_functions(&self) -> BTreeMap<&str, Option<&str>> {
        self.resources_of_type("AWS::Serverless::Function")
            .map(|(id, r)| (id, r["Metadata"]["BuildProperties"]["Binary"].as_str()))
            .collect()
    }

    pub fn rust_functions(&self) -> Vec<RustFunction<'_>> {
        self.resources_of_type("AWS::Serverless::Function")
            .filter_map(|(id, r)| {
                let binary = r["Metadata"]["BuildProperties"]["Binary"].as_str()?;
                Some(RustFunction {
                    logical_id: id,
                    binary,
                    resource: r,
                })
            })
            .collect()
    }

    pub fn logical_id_of_binary(&self, binary: &str) -> Option<&str> {
        self.rust_functions()
            .into_iter()
            .find(|f| f.binary == binary)
            .map(|f| f.logical_id)
    }

    pub fn binary_of(&self, logical_id: &str) -> Option<&str> {
        self.resource(logical_id)?["Metadata"]["BuildProperties"]["Binary"].as_str()
    }
}

/// `{"Ref": "X"}` → `X`.
pub fn ref_target(v: &Value) -> Option<&str> {
    v.get("Ref")?.as_str()
}

/// `{"Fn::GetAtt": ["X", "Attr"]}` → `("X", "Attr")`.
pub fn get_att(v: &Value) -> Option<(&str, &str)> {
    let parts = v.get("Fn::GetAtt")?.as_array()?;
    Some((parts.first()?.as_str()?, parts.get(1)?.as_str()?))
}

/// The string of `{"Fn::Sub": "…"}` or `{"Fn::Sub": ["…", {…}]}`.
pub fn sub_text(v: &Value) -> Option<&str> {
    match v.get("Fn::Sub")? {
        Value::String(s) => Some(s),
        Value::Array(parts) => parts.first()?.as_str(),
        _ => None,
    }
}

/// The `${Name}` / `${Name.Attr}` references inside a `Fn::Sub` string (`${!Literal}` excluded).
pub fn sub_references(text: &str) -> Vec<&str> {
    text.split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| !name.starts_with('!'))
        .collect()
}

/// Every logical id a value refers to through Ref, GetAtt or Sub, anywhere inside it.
pub fn referenced_ids(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_refs(v, &mut out);
    out
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    if let Some(id) = ref_target(v) {
        out.push(id.to_owned());
    }
    if let Some((id, _)) = get_att(v) {
        out.push(id.to_owned());
    }
    if let Some(text) = sub_text(v) {
        out.extend(
            sub_references(text)
                .into_iter()
                .map(|r| r.split('.').next().unwrap_or(r).to_owned()),
        );
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}

/// A one-or-many field (`Action: x` or `Action: [x, y]`) as a list.
pub fn one_or_many(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_form_tags_become_long_form_intrinsics() {
        let v = yaml_to_json(
            "a: !Ref X\nb: !GetAtt T.StreamArn\nc: !Sub 'x-${Y.Arn}-${!Lit}'\nd: !If [C, 1, 2]\ne: !!str 3\n",
            "sample",
        );
        assert_eq!(ref_target(&v["a"]), Some("X"));
        assert_eq!(get_att(&v["b"]), Some(("T", "StreamArn")));
        assert_eq!(sub_references(sub_text(&v["c"]).unwrap()), vec!["Y.Arn"]);
        assert_eq!(v["d"]["Fn::If"][0], "C");
        assert_eq!(v["e"], "3");
        assert_eq!(referenced_ids(&v), vec!["X", "T", "Y"]);
    }

    #[test]
    #[should_panic(expected = "not YAML")]
    fn duplicate_keys_are_refused() {
        yaml_to_json("a: 1\na: 2\n", "sample");
    }
}
