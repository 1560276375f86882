fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::serve(opbx::http::api::ivr_menus::router)
}
