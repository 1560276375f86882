//! The execution-plane acceptance suite: call scenarios through the real webhook routers on both
//! backends, schedule edges through the routing engine, and the exactly-once, authentication,
//! malformed-input, rate-limit and cache properties of the webhooks, and the Cloudonix contract
//! (absolute callback URLs, CDRs and session updates as a provisioned domain sends them).

mod contract;
mod exactly_once;
mod faults;
mod fixture;
mod log_lines;
mod observability;
mod outward_calls;
mod recorded_media;
mod recorded_prompts;
mod scenarios;
mod schedules;
mod store_down;
mod storms;
