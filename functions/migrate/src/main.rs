fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::migrate()
}
