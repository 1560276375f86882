//! The call router: configuration + coordination → CXML (ARCHITECTURE §5). Pure decisions live in
//! `domain` (schedules, dial plans); this module adds the lookups, the state carried between
//! callbacks and the composition of destinations.

pub mod call_flow;
pub mod config;
pub mod continuation;
pub mod engine;
pub mod local_copy;
pub mod speech;

pub use crate::domain::destination::PathStep;
pub use engine::{CallFacts, CallbackInput, DialOutcome, Effect, Engine, Mode, Outcome};
