fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::serve(opbx::http::api::platform::router)
}
