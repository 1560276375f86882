//! A tiny element tree, so tests compare CXML as parsed XML instead of by substring (which would
//! pass for `<Dial>` injected into a prompt, or fail on harmless formatting).

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    /// In document order, unescaped; order is part of equality because the builder fixes it.
    pub attributes: Vec<(String, String)>,
    /// This element's own character data, unescaped. Whitespace-only text is dropped so an
    /// indented expected document equals the compact output.
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child with that name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("malformed XML: {0}")]
    Xml(#[from] quick_xml::Error),
    #[error("malformed XML: {0}")]
    Structure(String),
}

/// Parses a document with exactly one root element; the declaration, comments and processing
/// instructions are skipped.
pub fn parse(xml: &str) -> Result<Element, ParseError> {
    let mut reader = Reader::from_str(xml);
    let mut open: Vec<Element> = Vec::new();
    let mut root = None;
    loop {
        match reader.read_event()? {
            Event::Start(start) => open.push(element(&start)?),
            Event::Empty(start) => close(element(&start)?, &mut open, &mut root)?,
            Event::End(_) => {
                let done = open.pop().expect("quick-xml rejects unmatched end tags");
                close(done, &mut open, &mut root)?;
            }
            Event::Text(text) => push_text(&mut open, &text.xml10_content())?,
            Event::CData(data) => push_text(&mut open, &data.xml10_content())?,
            Event::GeneralRef(entity) => {
                let resolved = match entity.resolve_char_ref()? {
                    Some(ch) => ch.to_string(),
                    None => resolve_predefined_entity(&entity)
                        .ok_or_else(|| {
                            ParseError::Structure(format!("unknown entity &{};", &*entity))
                        })?
                        .to_owned(),
                };
                push_text(&mut open, &resolved)?;
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    match (open.last(), root) {
        (Some(unclosed), _) => Err(ParseError::Structure(format!(
            "<{}> is not closed",
            unclosed.name
        ))),
        (None, None) => Err(ParseError::Structure("no root element".into())),
        (None, Some(root)) => Ok(root),
    }
}

fn element(start: &BytesStart<'_>) -> Result<Element, ParseError> {
    let attributes = start
        .attributes()
        .map(|attr| {
            let attr = attr.map_err(quick_xml::Error::from)?;
            let value = attr.normalized_value(XmlVersion::Implicit1_0)?;
            Ok((attr.key.as_ref().to_owned(), value.into_owned()))
        })
        .collect::<Result<_, ParseError>>()?;
    Ok(Element {
        name: start.name().as_ref().to_owned(),
        attributes,
        ..Element::default()
    })
}

fn push_text(open: &mut [Element], text: &str) -> Result<(), ParseError> {
    match open.last_mut() {
        Some(current) => current.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => {
            return Err(ParseError::Structure(format!(
                "text {text:?} outside the root element"
            )));
        }
    }
    Ok(())
}

fn close(
    mut done: Element,
    open: &mut [Element],
    root: &mut Option<Element>,
) -> Result<(), ParseError> {
    if done.text.trim().is_empty() {
        done.text.clear();
    }
    match open.last_mut() {
        Some(parent) => parent.children.push(done),
        None if root.is_none() => *root = Some(done),
        None => {
            return Err(ParseError::Structure(format!(
                "second root element <{}>",
                done.name
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_tree_with_entities_resolved() {
        let tree = parse(
            r#"<?xml version="1.0" encoding="UTF-8"?>
               <!-- comment -->
               <Response>
                 <Say voice="a&amp;b" language='en-US'>Tom &amp; Jerry &#x263A; <![CDATA[<raw>]]></Say>
                 <Hangup/>
               </Response>"#,
        )
        .unwrap();
        assert_eq!(tree.name, "Response");
        assert_eq!(tree.text, "");
        let say = tree.child("Say").unwrap();
        assert_eq!(
            say.attributes,
            vec![
                ("voice".to_owned(), "a&b".to_owned()),
                ("language".to_owned(), "en-US".to_owned())
            ]
        );
        assert_eq!(say.text, "Tom & Jerry \u{263A} <raw>");
        assert_eq!(tree.children[1].name, "Hangup");
        assert_eq!(tree.child("Dial"), None);
    }

    #[test]
    fn rejects_what_is_not_one_well_formed_element() {
        for bad in [
            "",
            "just text",
            "<Response><Say></Response>",
            "<Response>",
            "<Response/><Response/>",
            "<Say>&nbsp;</Say>",
            r#"<Say a="1" a="2"/>"#,
        ] {
            assert!(parse(bad).is_err(), "accepted {bad:?}");
        }
    }
}
