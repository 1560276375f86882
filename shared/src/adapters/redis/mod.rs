pub mod connection;
pub mod coordination;
