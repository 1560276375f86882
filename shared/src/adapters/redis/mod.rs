pub mod coordination;
