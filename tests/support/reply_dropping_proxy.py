"""A TCP proxy in front of a real redis-server that can lose the replies to chosen commands.

`drop_replies_to(marker)`: a request whose bytes contain `marker` still reaches Redis and runs,
but its reply never comes back and the connection drops — the client cannot know whether the
write happened (a network cut or failover at the worst moment). Everything else passes through.
"""

from __future__ import annotations

import asyncio
import contextlib


class ReplyDroppingProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.marker: bytes | None = None
        self.dropped = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"redis://127.0.0.1:{port}/0"

    def drop_replies_to(self, marker: bytes | None) -> None:
        self.marker = marker

    async def start(self) -> ReplyDroppingProxy:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()

    async def _connection(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        doomed = asyncio.Event()  # set once a marked request went through: its reply is lost

        async def upstream() -> None:
            while data := await client_r.read(65536):
                if self.marker is not None and self.marker in data:
                    doomed.set()
                server_w.write(data)
                await server_w.drain()

        async def downstream() -> None:
            while data := await server_r.read(65536):
                if doomed.is_set():
                    self.dropped += 1
                    return  # swallow the reply and hang up
                client_w.write(data)
                await client_w.drain()

        tasks = [asyncio.create_task(upstream()), asyncio.create_task(downstream())]
        self._tasks.update(tasks)
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
                self._tasks.discard(task)
            for writer in (client_w, server_w):
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()
