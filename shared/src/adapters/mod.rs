pub mod cloudonix;
pub mod memory;
pub mod redis;
pub mod sql;
