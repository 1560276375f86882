fn main() -> Result<(), opbx::lambda::Error> {
    opbx::lambda::websocket(opbx::http::ws::WsRoute::Connect)
}
