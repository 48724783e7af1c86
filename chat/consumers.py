from channels.generic.websocket import AsyncJsonWebsocketConsumer

# Close codes shared with the chat protocol (API.md).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class SafeJsonConsumer(AsyncJsonWebsocketConsumer):
    """A JSON consumer that answers frames it cannot parse with an `invalid` error frame
    instead of dropping the connection."""

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self.send_error("invalid", "Frames must be JSON text.")
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self.send_error("invalid", "Frames must be JSON text.")
            return
        await self.receive_json(content, **kwargs)

    async def send_error(self, code: str, detail: str) -> None:
        await self.send_json({"type": "error", "code": code, "detail": detail})


class PingConsumer(SafeJsonConsumer):
    """/ws/ping/: answers `{"type": "ping"}` with `{"type": "pong", "user": ID}` for a signed-in
    user. Lets clients and monitoring check that the session reaches the WebSocket servers."""

    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "user": self.scope["user"].pk})
        else:
            await self.send_error("invalid", "Unknown frame.")
