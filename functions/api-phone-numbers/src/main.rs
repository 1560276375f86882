fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::serve(opbx::http::api::phone_numbers::router)
}
