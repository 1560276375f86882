fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::websocket(
        opbx::http::ws::WsRoute::Default,
        opbx::realtime::connect_without_aws,
    )
}
