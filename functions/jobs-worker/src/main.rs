fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::jobs_worker()
}
