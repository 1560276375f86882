pub mod connections;
pub mod coordination;
pub mod live_calls;
pub mod ws_hub;
