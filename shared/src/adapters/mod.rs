pub mod breaker;
pub mod cloudonix;
pub mod memory;
pub mod redis;
pub mod secrets_manager;
pub mod sql;
