pub mod connections;
pub mod coordination;
pub mod job_queue;
pub mod live_calls;
pub mod ws_hub;
