fn main() -> Result<(), opbx::lambda::Error> {
    opbx_aws::lambda::presence_fanout()
}
