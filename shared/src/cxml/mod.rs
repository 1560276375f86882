//! CXML, Cloudonix's TwiML-like call-control XML, as a small typed builder.
//!
//! Only attributes that Cloudonix documents are modelled (reference: cloudonix.md §2): the platform
//! silently ignores attributes it does not know (the original OpBX emitted `minDigits`, `maxDigits`
//! and a `<Voicemail>` verb that never worked), so the types are the only check we get.
//! Every text and attribute value goes through quick-xml's escaping, and attributes are written in
//! a fixed order, so equal input gives byte-identical documents.

use std::fmt::Display;
use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::text_enum;

mod parse;
pub use parse::{Element, ParseError, parse};

/// Cloudonix accepts `text/xml` too; one value keeps every handler consistent.
pub const CONTENT_TYPE: &str = "application/xml";

text_enum! {
    /// HTTP method for `action` / callback requests (Cloudonix defaults to POST).
    pub enum Method { Get => "GET", Post => "POST" }
}

text_enum! {
    pub enum GatherInput { Dtmf => "dtmf", Speech => "speech", DtmfSpeech => "dtmf speech" }
}

text_enum! {
    /// SIP outcome of `<Reject>`: rejected and busy are 486, congestion 500, failed 603.
    pub enum RejectReason {
        Rejected => "rejected",
        Busy => "busy",
        Congestion => "congestion",
        Failed => "failed",
    }
}

text_enum! {
    /// Whose host goes into the From header of a `<Sip>` leg.
    pub enum SipDomain { Origin => "origin", Destination => "destination" }
}

text_enum! {
    pub enum Beep { True => "true", False => "false", OnEnter => "onEnter", OnExit => "onExit" }
}

text_enum! {
    /// `required` holds everyone else in the room until a participant with it joins (moderator).
    pub enum StartConference { True => "true", False => "false", Required => "required" }
}

text_enum! {
    pub enum ConferenceRecord { DoNotRecord => "do-not-record", RecordFromStart => "record-from-start" }
}

text_enum! {
    pub enum Trim { TrimSilence => "trim-silence", DoNotTrim => "do-not-trim" }
}

type XmlWriter = Writer<Vec<u8>>;

trait Node {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()>;
}

/// Declares a sum of node types with `From` conversions, so builders accept the plain structs.
macro_rules! node_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $name { $($variant($variant)),+ }

        $(impl From<$variant> for $name {
            fn from(v: $variant) -> Self {
                Self::$variant(v)
            }
        })+

        impl Node for $name {
            fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
                match self { $(Self::$variant(v) => v.write(w)),+ }
            }
        }
    };
}

node_enum! {
    /// A child of `<Response>`.
    Verb { Say, Play, Pause, Gather, Dial, Record, Redirect, Reject, Hangup }
}

node_enum! {
    /// What may be nested in `<Gather>` and `<Record>` (documented: Say, Play, Pause).
    Prompt { Say, Play, Pause }
}

node_enum! {
    /// What `<Dial>` connects to.
    Noun { Number, Sip, Conference }
}

/// The root document. Verbs run in order; Cloudonix ignores anything after `<Redirect>`,
/// `<Hangup>` or `<Reject>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub verbs: Vec<Verb>,
}

impl Response {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, verb: impl Into<Verb>) -> Self {
        self.verbs.push(verb.into());
        self
    }

    /// Spoken when a call cannot be routed. Cloudonix documents no behaviour for non-200 answers,
    /// so failures still return a document that tells the caller and ends the call.
    pub fn apology(text: impl Into<String>) -> Self {
        Self::new().with(Say::new(text)).with(Hangup)
    }

    /// Refuses a call without answering it, so without a billing event: `spoken` plays first as
    /// early media (`answer="false"`), then `<Reject>`.
    pub fn refusal(spoken: Option<String>, reason: RejectReason) -> Self {
        let mut doc = Self::new();
        if let Some(text) = spoken {
            doc = doc.with(Say {
                answer: Some(false),
                ..Say::new(text)
            });
        }
        doc.with(Reject {
            reason: Some(reason),
        })
    }

    pub fn to_xml(&self) -> String {
        let mut w = Writer::new(Vec::new());
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .and_then(|()| parent(&mut w, "Response", Attrs::default(), &self.verbs))
            .expect("writing into a Vec cannot fail");
        String::from_utf8(w.into_inner()).expect("quick-xml writes the UTF-8 it is given")
    }
}

/// Text to speech. `text` may carry SSML, but it is escaped like any other text here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Say {
    pub text: String,
    /// `man`, `woman` or a premium voice such as `Polly:Astrid`.
    pub voice: Option<String>,
    /// BCP-47, Cloudonix default `en-US`.
    pub language: Option<String>,
    /// The `loop` attribute: repetitions, 0 = until hangup.
    pub loops: Option<u32>,
    /// `false` speaks as early media without answering the call.
    pub answer: Option<bool>,
}

impl Say {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }
}

/// An audio URL, or DTMF tones when `digits` is set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Play {
    pub url: Option<String>,
    /// `0-9`, `*`, `#`, and `w` for a half-second wait.
    pub digits: Option<String>,
    /// The `loop` attribute: repetitions, 0 = until hangup.
    pub loops: Option<u32>,
    pub answer: Option<bool>,
}

impl Play {
    pub fn url(url: impl Into<String>) -> Self {
        Self {
            url: Some(url.into()),
            ..Self::default()
        }
    }

    pub fn digits(digits: impl Into<String>) -> Self {
        Self {
            digits: Some(digits.into()),
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pause {
    /// Seconds, Cloudonix default 1.
    pub length: Option<u32>,
    /// Unlike Say/Play, Pause does not answer unless told to.
    pub answer: Option<bool>,
}

impl Pause {
    pub fn seconds(length: u32) -> Self {
        Self {
            length: Some(length),
            answer: None,
        }
    }
}

/// Collects DTMF or speech. With no input Cloudonix skips `action` and falls through to the next
/// verb unless `action_on_empty_result` is set, so IVRs put their retry after the Gather.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gather {
    pub action: Option<String>,
    /// Written whenever `action` is: POST unless set.
    pub method: Option<Method>,
    pub input: Option<GatherInput>,
    /// Empty string disables the finish key; Cloudonix default `#`.
    pub finish_on_key: Option<String>,
    pub num_digits: Option<u32>,
    /// Seconds of silence after the prompt (default 5).
    pub timeout: Option<u32>,
    /// Overall seconds to wait for input (default 30).
    pub max_timeout: Option<u32>,
    /// Seconds, or `auto`.
    pub speech_timeout: Option<String>,
    pub language: Option<String>,
    pub action_on_empty_result: Option<bool>,
    pub max_duration: Option<u32>,
    pub interruptible: Option<bool>,
    pub prompts: Vec<Prompt>,
}

/// Connects the call. Unlike Twilio, `<Dial>` answers the inbound leg only when the callee answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dial {
    pub nouns: Vec<Noun>,
    pub action: Option<String>,
    /// Written whenever `action` is: POST unless set.
    pub method: Option<Method>,
    /// Ring seconds; the domain's `call-timeout` (60) otherwise.
    pub timeout: Option<u32>,
    pub caller_id: Option<String>,
    pub caller_name: Option<String>,
    /// Passed through verbatim: Cloudonix names the attribute but not its values.
    pub record: Option<String>,
    /// A trunk name; Cloudonix documents no list syntax that works everywhere.
    pub trunks: Option<String>,
    pub hangup_on_star: Option<bool>,
    /// Maximum call length in seconds.
    pub time_limit: Option<u32>,
}

impl Dial {
    pub fn new(noun: impl Into<Noun>) -> Self {
        Self {
            nouns: vec![noun.into()],
            ..Self::default()
        }
    }
}

/// A subscriber MSISDN, an extension number or an E.164 number (Cloudonix resolves which).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(pub String);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sip {
    /// `[sip:]user@host[:port][;transport=…]`.
    pub uri: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub domain: Option<SipDomain>,
}

impl Sip {
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            ..Self::default()
        }
    }
}

/// A room, scoped to the Cloudonix domain; an empty name means the room `default`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conference {
    pub name: String,
    pub beep: Option<Beep>,
    pub hold_music: Option<bool>,
    pub muted: Option<bool>,
    /// Announcements (join/leave prompts), default off.
    pub prompts: Option<bool>,
    pub start_conference_on_enter: Option<StartConference>,
    pub end_conference_on_exit: Option<bool>,
    /// At most 250.
    pub max_participants: Option<u32>,
    pub record: Option<ConferenceRecord>,
    pub status_callback: Option<String>,
    pub status_callback_method: Option<Method>,
    pub recording_status_callback: Option<String>,
    pub recording_status_callback_method: Option<Method>,
}

impl Conference {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }
}

/// Records the caller (voicemail). An empty recording skips `action` and falls through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub action: Option<String>,
    /// Written whenever `action` is: POST unless set.
    pub method: Option<Method>,
    /// Seconds of silence that end the recording (default 5).
    pub timeout: Option<u32>,
    pub finish_on_key: Option<String>,
    /// Seconds (default 3600).
    pub max_length: Option<u32>,
    pub play_beep: Option<bool>,
    pub trim: Option<Trim>,
    pub recording_status_callback: Option<String>,
    pub recording_status_callback_method: Option<Method>,
    pub prompts: Vec<Prompt>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redirect {
    pub url: String,
    /// Always written: POST unless set.
    pub method: Option<Method>,
}

impl Redirect {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            method: None,
        }
    }
}

/// Ends the call without answering it, so without a billing event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reject {
    pub reason: Option<RejectReason>,
}

/// Ends the call as answered (billable).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hangup;

/// Attributes in the order they are set, which is the order they are written.
#[derive(Default)]
struct Attrs(Vec<(&'static str, String)>);

impl Attrs {
    fn set(mut self, name: &'static str, value: Option<impl Display>) -> Self {
        if let Some(value) = value {
            self.0.push((name, value.to_string()));
        }
        self
    }
}

fn leaf(w: &mut XmlWriter, name: &str, attrs: Attrs, text: &str) -> io::Result<()> {
    let el = w
        .create_element(name)
        .with_attributes(attrs.0.iter().map(|(k, v)| (*k, v.as_str())));
    if text.is_empty() {
        el.write_empty()?;
    } else {
        el.write_text_content(BytesText::new(text))?;
    }
    Ok(())
}

fn parent(w: &mut XmlWriter, name: &str, attrs: Attrs, children: &[impl Node]) -> io::Result<()> {
    if children.is_empty() {
        return leaf(w, name, attrs, "");
    }
    w.create_element(name)
        .with_attributes(attrs.0.iter().map(|(k, v)| (*k, v.as_str())))
        .write_inner_content(|w| children.iter().try_for_each(|c| c.write(w)))?;
    Ok(())
}

impl Node for Say {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        let attrs = Attrs::default()
            .set("voice", self.voice.as_ref())
            .set("language", self.language.as_ref())
            .set("loop", self.loops)
            .set("answer", self.answer);
        leaf(w, "Say", attrs, &self.text)
    }
}

impl Node for Play {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        let attrs = Attrs::default()
            .set("digits", self.digits.as_ref())
            .set("loop", self.loops)
            .set("answer", self.answer);
        leaf(w, "Play", attrs, self.url.as_deref().unwrap_or_default())
    }
}

impl Node for Pause {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        let attrs = Attrs::default()
            .set("length", self.length)
            .set("answer", self.answer);
        leaf(w, "Pause", attrs, "")
    }
}

/// The method of a verb's `action`: always written when there is an action, POST unless set.
/// OpBX's callback routes take POST only, and Cloudonix's default is not certain for every verb
/// (the `<Dial>` table of its documentation is cut off before `method`).
fn action_method(action: Option<&String>, method: Option<Method>) -> Option<Method> {
    action.map(|_| method.unwrap_or(Method::Post))
}

impl Node for Gather {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        let attrs = Attrs::default()
            .set("action", self.action.as_ref())
            .set("method", action_method(self.action.as_ref(), self.method))
            .set("input", self.input)
            .set("finishOnKey", self.finish_on_key.as_ref())
            .set("numDigits", self.num_digits)
            .set("timeout", self.timeout)
            .set("maxTimeout", self.max_timeout)
            .set("speechTimeout", self.speech_timeout.as_ref())
            .set("language", self.language.as_ref())
            .set("actionOnEmptyResult", self.action_on_empty_result)
            .set("maxDuration", self.max_duration)
            .set("interruptible", self.interruptible);
        parent(w, "Gather", attrs, &self.prompts)
    }
}

impl Node for Dial {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        let attrs = Attrs::default()
            .set("action", self.action.as_ref())
            .set("method", action_method(self.action.as_ref(), self.method))
            .set("timeout", self.timeout)
            .set("callerId", self.caller_id.as_ref())
            .set("callerName", self.caller_name.as_ref())
            .set("record", self.record.as_ref())
            .set("trunks", self.trunks.as_ref())
            .set("hangupOnStar", self.hangup_on_star)
            .set("timeLimit", self.time_limit);
        parent(w, "Dial", attrs, &self.nouns)
    }
}

impl Node for Number {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        leaf(w, "Number", Attrs::default(), &self.0)
    }
}

impl Node for Sip {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        let attrs = Attrs::default()
            .set("username", self.username.as_ref())
            .set("password", self.password.as_ref())
            .set("domain", self.domain);
        leaf(w, "Sip", attrs, &self.uri)
    }
}

impl Node for Conference {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        let attrs = Attrs::default()
            .set("beep", self.beep)
            .set("holdMusic", self.hold_music)
            .set("muted", self.muted)
            .set("prompts", self.prompts)
            .set("startConferenceOnEnter", self.start_conference_on_enter)
            .set("endConferenceOnExit", self.end_conference_on_exit)
            .set("maxParticipants", self.max_participants)
            .set("record", self.record)
            .set("statusCallback", self.status_callback.as_ref())
            .set("statusCallbackMethod", self.status_callback_method)
            .set(
                "recordingStatusCallback",
                self.recording_status_callback.as_ref(),
            )
            .set(
                "recordingStatusCallbackMethod",
                self.recording_status_callback_method,
            );
        leaf(w, "Conference", attrs, &self.name)
    }
}

impl Node for Record {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        let attrs = Attrs::default()
            .set("action", self.action.as_ref())
            .set("method", action_method(self.action.as_ref(), self.method))
            .set("timeout", self.timeout)
            .set("finishOnKey", self.finish_on_key.as_ref())
            .set("maxLength", self.max_length)
            .set("playBeep", self.play_beep)
            .set("trim", self.trim)
            .set(
                "recordingStatusCallback",
                self.recording_status_callback.as_ref(),
            )
            .set(
                "recordingStatusCallbackMethod",
                self.recording_status_callback_method,
            );
        parent(w, "Record", attrs, &self.prompts)
    }
}

impl Node for Redirect {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        leaf(
            w,
            "Redirect",
            Attrs::default().set("method", Some(self.method.unwrap_or(Method::Post))),
            &self.url,
        )
    }
}

impl Node for Reject {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        leaf(w, "Reject", Attrs::default().set("reason", self.reason), "")
    }
}

impl Node for Hangup {
    fn write(&self, w: &mut XmlWriter) -> io::Result<()> {
        leaf(w, "Hangup", Attrs::default(), "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

    fn el(name: &str, attrs: &[(&str, &str)], text: &str, children: Vec<Element>) -> Element {
        Element {
            name: name.into(),
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            text: text.into(),
            children,
        }
    }

    #[test]
    fn apology_is_say_then_hangup_with_declaration() {
        let xml = Response::apology("This number is not in service.").to_xml();
        assert_eq!(
            xml,
            format!(
                "{DECL}<Response><Say>This number is not in service.</Say><Hangup/></Response>"
            )
        );
        assert_eq!(
            parse(&xml).unwrap(),
            el(
                "Response",
                &[],
                "",
                vec![
                    el("Say", &[], "This number is not in service.", vec![]),
                    el("Hangup", &[], "", vec![])
                ]
            )
        );
    }

    #[test]
    fn hostile_text_and_attributes_stay_data() {
        let evil = r#"</Say><Dial><Number>+19005550100</Number></Dial><Say a="'&<>"#;
        let doc = Response::new()
            .with(Say {
                voice: Some(r#"x" answer="false"#.into()),
                ..Say::new(evil)
            })
            .with(Redirect::new("https://pbx.example/cx/ivr?menu=7&retry=1"));
        let xml = doc.to_xml();
        assert!(!xml.contains("<Dial>"), "markup leaked: {xml}");
        assert!(
            xml.contains("menu=7&amp;retry=1"),
            "URL not escaped once: {xml}"
        );

        let tree = parse(&xml).unwrap();
        assert_eq!(
            tree,
            el(
                "Response",
                &[],
                "",
                vec![
                    el("Say", &[("voice", r#"x" answer="false"#)], evil, vec![]),
                    el(
                        "Redirect",
                        &[("method", "POST")],
                        "https://pbx.example/cx/ivr?menu=7&retry=1",
                        vec![]
                    ),
                ]
            )
        );
    }

    #[test]
    fn newlines_and_tabs_in_attributes_survive_normalisation() {
        let xml = Response::new()
            .with(Say {
                voice: Some("a\nb\tc".into()),
                ..Say::new("line one\nline two")
            })
            .to_xml();
        let say = &parse(&xml).unwrap().children[0];
        assert_eq!(say.attr("voice"), Some("a\nb\tc"));
        assert_eq!(say.text, "line one\nline two");
    }

    #[test]
    fn ivr_gather_matches_the_documented_shape() {
        let doc = Response::new()
            .with(Gather {
                action: Some("https://pbx.example/cx/ivr?menu=7".into()),
                num_digits: Some(1),
                timeout: Some(5),
                finish_on_key: Some(String::new()),
                action_on_empty_result: Some(false),
                prompts: vec![
                    Play::url("https://pbx.example/audio/menu7.mp3").into(),
                    Pause::seconds(2).into(),
                ],
                ..Gather::default()
            })
            .with(Redirect::new("https://pbx.example/cx/ivr?menu=7&retry=1"));
        let expected = parse(
            r#"<Response>
                 <Gather action="https://pbx.example/cx/ivr?menu=7" method="POST" finishOnKey=""
                         numDigits="1" timeout="5" actionOnEmptyResult="false">
                   <Play>https://pbx.example/audio/menu7.mp3</Play>
                   <Pause length="2"/>
                 </Gather>
                 <Redirect method="POST">https://pbx.example/cx/ivr?menu=7&amp;retry=1</Redirect>
               </Response>"#,
        )
        .unwrap();
        assert_eq!(parse(&doc.to_xml()).unwrap(), expected);
    }

    #[test]
    fn dial_writes_nouns_and_attributes_in_fixed_order() {
        let doc = Response::new().with(Dial {
            nouns: vec![
                Number("1001".into()).into(),
                Sip {
                    username: Some("u".into()),
                    password: Some("p&w".into()),
                    domain: Some(SipDomain::Destination),
                    ..Sip::new("sip:bob@gw.example:5060;transport=tls")
                }
                .into(),
            ],
            // Set in a different order from the output order on purpose.
            trunks: Some("carrier-a".into()),
            caller_id: Some("+12125550100".into()),
            timeout: Some(25),
            action: Some("https://pbx.example/cx/dial-done?ext=1001".into()),
            method: Some(Method::Post),
            hangup_on_star: Some(true),
            ..Dial::default()
        });
        assert_eq!(
            doc.to_xml(),
            format!(
                "{DECL}<Response><Dial action=\"https://pbx.example/cx/dial-done?ext=1001\" \
                 method=\"POST\" timeout=\"25\" callerId=\"+12125550100\" trunks=\"carrier-a\" \
                 hangupOnStar=\"true\"><Number>1001</Number><Sip username=\"u\" \
                 password=\"p&amp;w\" domain=\"destination\">\
                 sip:bob@gw.example:5060;transport=tls</Sip></Dial></Response>"
            )
        );
    }

    #[test]
    fn conference_uses_documented_attribute_names() {
        let doc = Response::new().with(Dial::new(Conference {
            muted: Some(true),
            beep: Some(Beep::OnEnter),
            start_conference_on_enter: Some(StartConference::Required),
            end_conference_on_exit: Some(false),
            max_participants: Some(25),
            record: Some(ConferenceRecord::RecordFromStart),
            ..Conference::new("org-1/sales")
        }));
        let dial = &parse(&doc.to_xml()).unwrap().children[0];
        assert_eq!(
            dial.children,
            vec![el(
                "Conference",
                &[
                    ("beep", "onEnter"),
                    ("muted", "true"),
                    ("startConferenceOnEnter", "required"),
                    ("endConferenceOnExit", "false"),
                    ("maxParticipants", "25"),
                    ("record", "record-from-start"),
                ],
                "org-1/sales",
                vec![]
            )]
        );
    }

    #[test]
    fn voicemail_record_reject_and_play_digits() {
        let doc = Response::new()
            .with(Record {
                action: Some("https://pbx.example/cx/vm-saved?ext=1001".into()),
                max_length: Some(120),
                finish_on_key: Some("#".into()),
                play_beep: Some(true),
                trim: Some(Trim::DoNotTrim),
                prompts: vec![Say::new("Please leave a message after the tone.").into()],
                ..Record::default()
            })
            .with(Play {
                loops: Some(2),
                ..Play::digits("1w2")
            })
            .with(Reject {
                reason: Some(RejectReason::Busy),
            });
        let expected = parse(
            r##"<Response>
                  <Record action="https://pbx.example/cx/vm-saved?ext=1001" method="POST"
                          finishOnKey="#" maxLength="120" playBeep="true" trim="do-not-trim">
                    <Say>Please leave a message after the tone.</Say>
                  </Record>
                  <Play digits="1w2" loop="2"/>
                  <Reject reason="busy"/>
                </Response>"##,
        )
        .unwrap();
        assert_eq!(parse(&doc.to_xml()).unwrap(), expected);
    }

    #[test]
    fn every_callback_names_its_method() {
        let doc = Response::new()
            .with(Dial {
                action: Some("https://pbx.example/cx/dial".into()),
                ..Dial::new(Number("1001".into()))
            })
            .with(Dial::new(Conference::new("room")))
            .with(Gather {
                action: Some("https://pbx.example/cx/ivr".into()),
                method: Some(Method::Get),
                ..Gather::default()
            })
            .with(Record::default())
            .with(Redirect::new("https://pbx.example/cx/ivr"));
        let tree = parse(&doc.to_xml()).unwrap();
        let methods: Vec<Option<&str>> = tree
            .children
            .iter()
            .map(|verb| verb.attr("method"))
            .collect();
        assert_eq!(
            methods,
            [Some("POST"), None, Some("GET"), None, Some("POST")],
            "with an action, POST unless set; without one, nothing"
        );
    }

    #[test]
    fn a_refusal_never_answers() {
        assert_eq!(
            parse(
                &Response::refusal(Some("All lines are busy.".into()), RejectReason::Busy)
                    .to_xml()
            )
            .unwrap(),
            parse(r#"<Response><Say answer="false">All lines are busy.</Say><Reject reason="busy"/></Response>"#)
                .unwrap()
        );
        assert_eq!(
            Response::refusal(None, RejectReason::Rejected).to_xml(),
            format!("{DECL}<Response><Reject reason=\"rejected\"/></Response>")
        );
    }

    #[test]
    fn output_is_deterministic() {
        let build = || {
            Response::new()
                .with(Say {
                    voice: Some("woman".into()),
                    language: Some("en-GB".into()),
                    loops: Some(2),
                    answer: Some(false),
                    ..Say::new("Hello")
                })
                .with(Dial::new(Number("+442079460000".into())))
        };
        assert_eq!(build().to_xml(), build().to_xml());
        assert_eq!(build(), build());
    }

    #[test]
    fn empty_containers_are_written_as_empty_elements() {
        let xml = Response::new().with(Gather::default()).to_xml();
        assert_eq!(xml, format!("{DECL}<Response><Gather/></Response>"));
        assert_eq!(Response::new().to_xml(), format!("{DECL}<Response/>"));
    }
}
