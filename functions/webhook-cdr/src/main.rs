fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::serve(opbx::http::webhooks::cdr::router)
}
