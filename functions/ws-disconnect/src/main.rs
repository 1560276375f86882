fn main() -> Result<(), opbx::lambda::Error> {
    opbx_aws::lambda::websocket(opbx::http::ws::WsRoute::Disconnect)
}
