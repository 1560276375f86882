fn main() -> Result<(), opbx::lambda::Error> {
    opbx_aws::lambda::serve(opbx::http::api::users::router)
}
