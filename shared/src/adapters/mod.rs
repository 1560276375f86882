pub mod apigw;
pub mod cloudonix;
pub mod dynamodb;
pub mod memory;
pub mod redis;
pub mod secrets_manager;
pub mod sql;
