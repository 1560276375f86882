pub mod apigw;
pub mod dynamodb;
pub mod memory;
pub mod redis;
pub mod sql;
