//! The parameters of a Cloudonix webhook request. Cloudonix POSTs JSON (cloudonix.md §1.2), but
//! GET applications send the query string and some proxies re-encode bodies as forms, so all
//! three are accepted. Values that arrive as numbers or objects (`SessionData`) are kept as their
//! JSON text; unknown fields are carried but never required.

use std::collections::HashMap;

use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookParams {
    body: HashMap<String, String>,
    query: HashMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    #[error("the body is neither a JSON object nor a form: {0}")]
    Unreadable(String),
}

impl WebhookParams {
    pub fn parse(
        content_type: Option<&str>,
        body: &[u8],
        query: Option<&str>,
    ) -> Result<Self, ParamsError> {
        let query = query.map(decode_form).unwrap_or_default();
        let trimmed = body.trim_ascii_start();
        let is_json = content_type.is_some_and(|t| t.contains("json"))
            || trimmed.first().is_some_and(|b| *b == b'{' || *b == b'[');
        let body = if trimmed.is_empty() {
            HashMap::new()
        } else if is_json {
            json_fields(trimmed)?
        } else {
            let text =
                std::str::from_utf8(trimmed).map_err(|e| ParamsError::Unreadable(e.to_string()))?;
            decode_form(text)
        };
        Ok(Self { body, query })
    }

    /// A request field, from the body or, for GET applications, the query string.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.body
            .get(name)
            .or_else(|| self.query.get(name))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Every field, body first (a query field the body repeats is left out, as [`Self::get`]
    /// reads the body's), in no particular order.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        let query = self
            .query
            .iter()
            .filter(|(k, _)| !self.body.contains_key(*k));
        self.body
            .iter()
            .chain(query)
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A parameter of the URL only: state we put on our own action URLs must not be overridable
    /// from the body.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }
}

fn json_fields(body: &[u8]) -> Result<HashMap<String, String>, ParamsError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ParamsError::Unreadable(e.to_string()))?;
    // Session updates sometimes arrive as a one-element array (cloudonix.md §3.2).
    let object = match value {
        Value::Object(o) => o,
        Value::Array(mut items) if items.len() == 1 && items[0].is_object() => {
            match items.remove(0) {
                Value::Object(o) => o,
                _ => unreachable!("checked to be an object"),
            }
        }
        other => {
            return Err(ParamsError::Unreadable(format!(
                "expected an object, got {}",
                kind(&other)
            )));
        }
    };
    Ok(object
        .into_iter()
        .filter_map(|(k, v)| {
            let text = match v {
                Value::Null => return None,
                Value::String(s) => s,
                other => other.to_string(),
            };
            Some((k, text))
        })
        .collect())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn decode_form(text: &str) -> HashMap<String, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(text)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_body_with_numbers_objects_and_unknown_fields() {
        let p = WebhookParams::parse(
            Some("application/json"),
            br#"{"CallSid":"abc","From":"+12125550100","ApiVersion":1,"SessionData":{"id":7},"Nothing":null}"#,
            Some("k=state"),
        )
        .unwrap();
        assert_eq!(p.get("CallSid"), Some("abc"));
        assert_eq!(p.get("ApiVersion"), Some("1"));
        assert_eq!(p.get("SessionData"), Some(r#"{"id":7}"#));
        assert_eq!(p.get("Nothing"), None);
        assert_eq!(p.query("k"), Some("state"));
    }

    #[test]
    fn form_bodies_and_query_strings_are_accepted() {
        let p = WebhookParams::parse(
            Some("application/x-www-form-urlencoded"),
            b"CallSid=abc&To=%2B12125550100",
            None,
        )
        .unwrap();
        assert_eq!(p.get("To"), Some("+12125550100"));
        let q = WebhookParams::parse(None, b"", Some("CallSid=xyz&Digits=1")).unwrap();
        assert_eq!(q.get("Digits"), Some("1"));
    }

    #[test]
    fn body_wins_over_query_but_not_for_our_own_state() {
        let p = WebhookParams::parse(None, br#"{"k":"forged","To":"1"}"#, Some("k=signed&To=2"))
            .unwrap();
        assert_eq!(p.get("To"), Some("1"));
        assert_eq!(p.query("k"), Some("signed"));
    }

    #[test]
    fn one_element_arrays_unwrap_and_garbage_is_refused() {
        let p = WebhookParams::parse(None, br#"[{"CallSid":"a"}]"#, None).unwrap();
        assert_eq!(p.get("CallSid"), Some("a"));
        assert!(WebhookParams::parse(None, b"{not json", None).is_err());
        assert!(WebhookParams::parse(Some("application/json"), b"42", None).is_err());
    }
}
