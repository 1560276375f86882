//! The call flow of a phone number: every destination a call to it can reach, as a graph for the
//! admin UI. It reads the routing engine's own configuration loaders and applies the engine's
//! rule for each object (an inactive schedule is always open, an inactive menu sends callers to
//! its timeout destination, an extension forwarding every call rings nothing, ring groups skip
//! members who cannot take calls, an unavailable extension goes to its no-answer destination or
//! its voicemail, an outside number leaves by the route the dial plan picks), so every path the
//! simulator reports is a path of this graph. Each object is one node however many ways lead to
//! it: a loop is an edge back to a node already drawn.

use std::collections::{HashSet, VecDeque};

use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use super::config::{Config, ExtensionView};
use crate::domain::calling::CallingPolicy;
use crate::domain::destination::Destination;
use crate::domain::dial_plan;
use crate::domain::ids::RecordingId;
use crate::domain::model::{ExceptionMode, OutboundRoute, PhoneNumber, Status};
use crate::ports::store::StoreResult;

/// Nodes drawn at most: a configuration larger than this is cut off (and says so).
pub const MAX_NODES: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlowNodeKind {
    PhoneNumber,
    Extension,
    RingGroup,
    BusinessHours,
    IvrMenu,
    Voicemail,
    ConferenceRoom,
    Announcement,
    ExternalNumber,
    OutboundRoute,
    Hangup,
    /// A destination whose object was deleted: callers hear an apology.
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FlowNode {
    /// Unique in the graph: `kind:id` (`hangup` alone).
    pub key: String,
    pub kind: FlowNodeKind,
    /// The object's id (the extension's for a voicemail box), the number of an outside number;
    /// none for hangup and deleted objects.
    pub id: Option<String>,
    pub name: String,
    /// What changes how the object routes: "inactive", "do-not-disturb", "PIN", …
    pub notes: Vec<String>,
    /// The uploaded recording the object plays: an IVR menu's prompt, an announcement, a
    /// mailbox's greeting, a conference room's hold music.
    pub recording_id: Option<RecordingId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FlowEdge {
    pub from: String,
    pub to: String,
    /// When a call goes this way: "press 1 (Sales)", "closed", "holiday 'Christmas' (2026-12-25)".
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CallFlow {
    /// The phone number's node.
    pub root: String,
    /// In the order a breadth-first walk from the number meets them.
    pub nodes: Vec<FlowNode>,
    /// Each object's ways out, in the order the object lists them.
    pub edges: Vec<FlowEdge>,
    /// Whether the walk stopped at [`MAX_NODES`] nodes (edges to undrawn nodes are left out).
    pub truncated: bool,
}

/// The graph key of a destination.
pub fn key_of(destination: &Destination) -> String {
    match destination.reference() {
        Some(reference) => format!("{}:{reference}", destination.kind().as_str()),
        None => destination.kind().as_str().to_owned(),
    }
}

/// The call flow of `number` as the configuration stands at `now` (a manual override that has
/// lapsed is not drawn).
pub async fn call_flow(
    config: &Config<'_>,
    number: &PhoneNumber,
    now: Timestamp,
) -> StoreResult<CallFlow> {
    let policy = config
        .organization()
        .await?
        .map(|o| o.calling)
        .unwrap_or_default();
    let mut walk = Walk {
        config,
        policy,
        presented: number.number.clone(),
        routes: None,
        now,
        seen: HashSet::new(),
        queue: VecDeque::new(),
        graph: CallFlow {
            root: format!("phone_number:{}", number.id),
            nodes: Vec::new(),
            edges: Vec::new(),
            truncated: false,
        },
    };
    let root = walk.graph.root.clone();
    walk.seen.insert(root.clone());
    let mut notes = Vec::new();
    if number.status == Status::Active {
        walk.edge(&root, &number.destination, "every call".into(), false);
    } else {
        notes.push("inactive: calls are refused".into());
    }
    let name = if number.label.is_empty() {
        number.number.to_string()
    } else {
        format!("{} {}", number.number, number.label)
    };
    walk.node(
        root,
        FlowNodeKind::PhoneNumber,
        Some(number.id.to_string()),
        name,
        notes,
    );
    while let Some(destination) = walk.queue.pop_front() {
        if walk.graph.nodes.len() >= MAX_NODES {
            walk.graph.truncated = true;
            break;
        }
        walk.expand(&destination).await?;
    }
    let mut graph = walk.graph;
    if graph.truncated {
        let drawn: HashSet<&str> = graph.nodes.iter().map(|n| n.key.as_str()).collect();
        let edges = std::mem::take(&mut graph.edges);
        graph.edges = edges
            .into_iter()
            .filter(|e| drawn.contains(e.to.as_str()))
            .collect();
    }
    Ok(graph)
}

struct Walk<'c, 'a> {
    config: &'c Config<'a>,
    policy: CallingPolicy,
    /// What a call forwarded outside presents: the number it came in on.
    presented: crate::domain::e164::E164,
    routes: Option<Vec<OutboundRoute>>,
    now: Timestamp,
    /// Keys drawn or queued.
    seen: HashSet<String>,
    queue: VecDeque<Destination>,
    graph: CallFlow,
}

impl Walk<'_, '_> {
    fn node(
        &mut self,
        key: String,
        kind: FlowNodeKind,
        id: Option<String>,
        name: String,
        notes: Vec<String>,
    ) {
        self.graph.nodes.push(FlowNode {
            key,
            kind,
            id,
            name,
            notes,
            recording_id: None,
        });
    }

    /// A way from `from` to `to`; `to` is queued the first time anything leads to it. An
    /// extension's own forwarding to an outside number must pass the organization's forwarding
    /// rule, and the label says when it does not.
    fn edge(&mut self, from: &str, to: &Destination, mut label: String, forwarding: bool) {
        if forwarding
            && let Destination::ExternalNumber { number } = to
            && let Err(refused) = self.policy.may_forward(number)
        {
            label = format!("{label} (refused: {refused})");
        }
        let key = key_of(to);
        if self.seen.insert(key.clone()) {
            self.queue.push_back(to.clone());
        }
        self.graph.edges.push(FlowEdge {
            from: from.to_owned(),
            to: key,
            label,
        });
    }

    async fn expand(&mut self, destination: &Destination) -> StoreResult<()> {
        let key = key_of(destination);
        let config = self.config;
        let mut recording = None;
        let (kind, name, notes) = match destination {
            Destination::Extension { id } => match config.extension(*id).await? {
                Some(ext) => {
                    let notes = self.extension(&key, &ext);
                    (FlowNodeKind::Extension, ext.label(), notes)
                }
                None => missing("extension"),
            },
            Destination::Voicemail { id } => match config.extension(*id).await? {
                Some(ext) => {
                    recording = ext.voicemail_greeting_recording_id;
                    let notes = if ext.voicemail_enabled {
                        vec![]
                    } else {
                        vec!["voicemail disabled: callers hear an apology".into()]
                    };
                    (FlowNodeKind::Voicemail, ext.label(), notes)
                }
                None => missing("mailbox"),
            },
            Destination::RingGroup { id } => match config.ring_group(*id).await? {
                Some(group) => {
                    let mut notes = vec![format!(
                        "{}, {} s each, {} round(s)",
                        group.strategy.as_str().replace('_', " "),
                        group.member_timeout,
                        group.rounds.max(1)
                    )];
                    let fallback = if group.status != Status::Active {
                        notes.push("inactive".into());
                        "inactive: fallback"
                    } else {
                        for member in &group.members {
                            if member.reachable() {
                                self.edge(
                                    &key,
                                    &Destination::Extension { id: member.id },
                                    "rings".into(),
                                    false,
                                );
                            } else {
                                notes.push(format!("skips {} (cannot take calls)", member.number));
                            }
                        }
                        if group.members.iter().any(ExtensionView::reachable) {
                            "nobody answers: fallback"
                        } else {
                            "no member can take calls: fallback"
                        }
                    };
                    self.edge(&key, &group.fallback, fallback.into(), false);
                    (FlowNodeKind::RingGroup, group.name, notes)
                }
                None => missing("ring group"),
            },
            Destination::BusinessHours { id } => match config.schedule(*id).await? {
                Some(s) => {
                    let mut notes = vec![s.timezone.to_string()];
                    if s.status != Status::Active {
                        notes.push("switched off: always open".into());
                        self.edge(&key, &s.open, "switched off: always open".into(), false);
                    } else {
                        let live_override = s.manual_override.as_ref().filter(|o| {
                            o.until
                                .is_none_or(|until| until > self.now.as_millisecond())
                        });
                        if let Some(o) = live_override {
                            let to = match o.mode {
                                crate::domain::model::OverrideMode::Open => &s.open,
                                crate::domain::model::OverrideMode::Closed => &s.closed,
                            };
                            self.edge(
                                &key,
                                to,
                                format!("manual override: {}", o.mode.as_str()),
                                false,
                            );
                        }
                        self.edge(&key, &s.open, "open".into(), false);
                        self.edge(&key, &s.closed, "closed".into(), false);
                        for e in &s.exceptions {
                            let (kind, default) = match e.mode {
                                ExceptionMode::Closed => ("holiday", &s.closed),
                                ExceptionMode::Open => ("special opening", &s.open),
                            };
                            let dates = if e.start_date == e.end_date {
                                e.start_date.clone()
                            } else {
                                format!("{}..{}", e.start_date, e.end_date)
                            };
                            let to = e.destination.as_ref().unwrap_or(default);
                            self.edge(&key, to, format!("{kind} '{}' ({dates})", e.name), false);
                        }
                    }
                    (FlowNodeKind::BusinessHours, s.name, notes)
                }
                None => missing("schedule"),
            },
            Destination::IvrMenu { id } => match config.ivr_menu(*id).await? {
                Some(m) => {
                    recording = m.prompt_recording_id;
                    let mut notes = Vec::new();
                    if m.status != Status::Active {
                        notes.push("inactive".into());
                        self.edge(&key, &m.timeout_destination, "inactive".into(), false);
                    } else {
                        for o in &m.options {
                            let label = format!("press {} ({})", o.digits, o.label);
                            self.edge(&key, &o.destination, label, false);
                        }
                        if m.direct_dial && m.direct_dial_allowlist.is_empty() {
                            notes.push("direct dial to any extension".into());
                        } else if m.direct_dial {
                            for id in &m.direct_dial_allowlist {
                                let to = Destination::Extension { id: *id };
                                self.edge(&key, &to, "direct dial".into(), false);
                            }
                        }
                        let invalid = format!("invalid input {}×", m.max_invalid.max(1));
                        self.edge(&key, &m.invalid_destination, invalid, false);
                        let timeout = format!("no input {}×", m.max_timeouts.max(1));
                        self.edge(&key, &m.timeout_destination, timeout, false);
                    }
                    (FlowNodeKind::IvrMenu, m.name, notes)
                }
                None => missing("IVR menu"),
            },
            Destination::ConferenceRoom { id } => match config.room(*id).await? {
                Some(room) => {
                    recording = room.hold_music_recording_id;
                    let mut notes = Vec::new();
                    if let Some(n) = &room.number {
                        notes.push(format!("number {n}"));
                    }
                    if room.pin_enc.is_some() {
                        notes.push("PIN".into());
                    }
                    if room.status != Status::Active {
                        notes.push("inactive: callers hear it is closed".into());
                    }
                    (FlowNodeKind::ConferenceRoom, room.name, notes)
                }
                None => missing("conference room"),
            },
            Destination::Announcement { id } => match config.announcement(*id).await? {
                Some(a) => {
                    recording = a.recording_id;
                    let notes = match (&a.recording_id, &a.text) {
                        (Some(_), _) => vec!["plays a recording".to_owned()],
                        (None, Some(text)) => vec![format!("says \"{text}\"")],
                        (None, None) => vec![],
                    };
                    self.edge(&key, &a.next, "then".into(), false);
                    (FlowNodeKind::Announcement, a.name, notes)
                }
                None => missing("announcement"),
            },
            Destination::ExternalNumber { number } => {
                let notes = self.outward(&key, number).await?;
                (FlowNodeKind::ExternalNumber, number.to_string(), notes)
            }
            Destination::Hangup => (FlowNodeKind::Hangup, "Hang up".into(), vec![]),
        };
        let id = match destination {
            _ if kind == FlowNodeKind::Missing => None,
            Destination::Hangup => None,
            Destination::ExternalNumber { number } => Some(number.to_string()),
            other => other.reference(),
        };
        self.node(key, kind, id, name, notes);
        if let Some(node) = self.graph.nodes.last_mut() {
            node.recording_id = recording;
        }
        Ok(())
    }

    /// An extension's ways on, as the engine takes them; returns its notes.
    fn extension(&mut self, key: &str, ext: &ExtensionView) -> Vec<String> {
        let (mut notes, when) = if ext.status != Status::Active {
            (vec!["inactive".to_owned()], "inactive")
        } else if ext.do_not_disturb {
            (vec!["do-not-disturb".to_owned()], "do-not-disturb")
        } else if let Some(forward) = &ext.forward_always {
            self.edge(key, forward, "forwards every call".into(), true);
            return vec![];
        } else {
            (
                vec![format!("rings {} s", ext.no_answer_timeout.max(1))],
                "no answer or busy",
            )
        };
        if let Some(to) = &ext.no_answer {
            self.edge(key, to, when.into(), true);
        } else if ext.voicemail_enabled {
            self.edge(
                key,
                &Destination::Voicemail { id: ext.id },
                when.into(),
                false,
            );
        } else {
            notes.push(format!("{when}: callers hear an apology"));
        }
        notes
    }

    /// The outbound route an outside number leaves by (a node of its own), or why it cannot.
    async fn outward(
        &mut self,
        key: &str,
        number: &crate::domain::e164::E164,
    ) -> StoreResult<Vec<String>> {
        if self.routes.is_none() {
            self.routes = Some(self.config.outbound_routes().await?);
        }
        let routes = self.routes.as_deref().unwrap_or_default();
        let (route_id, route_name, trunk) = match dial_plan::outward(
            routes,
            number.as_str(),
            Some(&self.presented),
            self.policy.default_caller_id.as_ref(),
        ) {
            Ok(out) => (
                out.route.id,
                out.route.name.clone(),
                out.route.trunk.clone(),
            ),
            Err(refused) => return Ok(vec![format!("refused: {refused}")]),
        };
        let route_key = format!("outbound_route:{route_id}");
        if self.seen.insert(route_key.clone()) {
            let notes = (!trunk.is_empty())
                .then(|| format!("trunk {trunk}"))
                .into_iter()
                .collect();
            let id = Some(route_id.to_string());
            self.node(
                route_key.clone(),
                FlowNodeKind::OutboundRoute,
                id,
                route_name,
                notes,
            );
        }
        self.graph.edges.push(FlowEdge {
            from: key.to_owned(),
            to: route_key,
            label: "dialled out".into(),
        });
        Ok(vec![])
    }
}

/// A destination whose object was deleted: callers hear an apology.
fn missing(what: &str) -> (FlowNodeKind, String, Vec<String>) {
    (
        FlowNodeKind::Missing,
        format!("Deleted {what}"),
        vec!["callers hear an apology".into()],
    )
}
