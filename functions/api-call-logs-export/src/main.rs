fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::serve_streaming(
        env!("CARGO_PKG_NAME"),
        opbx::http::api::call_logs::export_router,
    )
}
