fn main() -> Result<(), opbx::lambda::Error> {
    opbx_aws::lambda::serve(
        env!("CARGO_PKG_NAME"),
        opbx::http::webhooks::session::router,
    )
}
