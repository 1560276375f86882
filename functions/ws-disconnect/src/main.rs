fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::websocket(opbx::http::ws::WsRoute::Disconnect)
}
