fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::serve(
        env!("CARGO_PKG_NAME"),
        opbx::http::api::business_hours::router,
    )
}
