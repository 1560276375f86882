fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::serve(opbx::http::api::live_calls::router)
}
