//! End-to-end: the real `opbx-local` binary, started as a newcomer would start it.

mod lambda_function;
mod local;
mod secrets;
