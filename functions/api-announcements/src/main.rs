fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::serve(opbx::http::api::announcements::router)
}
