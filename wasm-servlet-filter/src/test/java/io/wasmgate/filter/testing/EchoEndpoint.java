package io.wasmgate.filter.testing;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/** A Jakarta WebSocket endpoint of the test application: echoes every text message. */
@ServerEndpoint("/ws")
public class EchoEndpoint {
    @OnMessage
    public String echo(String message) {
        return "echo " + message;
    }
}
