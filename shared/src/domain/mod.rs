//! Pure domain types and rules. Nothing here performs I/O or imports an adapter.

pub mod accounts;
pub mod audio;
pub mod call_state;
pub mod call_trace;
pub mod calling;
pub mod destination;
pub mod dial_plan;
pub mod e164;
pub mod extension_number;
pub mod ids;
pub mod live_call;
pub mod model;
pub mod password;
pub mod schedule;
pub mod text_enum;
pub mod timezone;

/// Now as UTC epoch milliseconds, the one timestamp representation of the stores.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
