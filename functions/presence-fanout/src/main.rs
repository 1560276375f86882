fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::presence_fanout()
}
