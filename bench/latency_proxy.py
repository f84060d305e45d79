"""A TCP proxy that delays every message and counts round trips.

Each chunk read from one side is delivered to the other ``delay`` seconds
later (order kept, chunks in flight overlap: it models link latency, not
bandwidth). It counts, over all connections:

- ``client_messages``: chunks the client sent (the brief's "round trips":
  a driver that waits for each answer sends one chunk per round trip);
- ``turns``: client chunks that follow a server answer, i.e. round trips
  where the client actually had to wait (pipelined chunks count once);
- ``server_messages`` and ``connections``.

As a library (what ``bench_runtime.py --proxy`` does)::

    with LatencyProxy("127.0.0.1", 5432, delay=0.005) as proxy:
        url = f"postgresql://postgres@127.0.0.1:{proxy.port}/db"
        ...
        print(proxy.stats())

As a program: ``python bench/latency_proxy.py --target 127.0.0.1:5432 --listen 127.0.0.1:6432``
(prints the counts when stopped with Ctrl-C).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import threading
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Self


@dataclass
class Stats:
    """Counters since the last reset."""

    connections: int = 0
    client_messages: int = 0
    server_messages: int = 0
    turns: int = 0
    client_bytes: int = 0
    server_bytes: int = 0


class LatencyProxy:
    """Listens on ``listen_host:port`` (0: any free port) and forwards to the target."""

    def __init__(
        self,
        target_host: str,
        target_port: int,
        *,
        delay: float = 0.005,
        listen_host: str = "127.0.0.1",
        listen_port: int = 0,
    ) -> None:
        self.target = (target_host, target_port)
        self.delay = delay
        self.listen = (listen_host, listen_port)
        self.port = listen_port
        self._stats = Stats()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None

    # -- counters ---------------------------------------------------------------

    def stats(self) -> Stats:
        with self._lock:
            return Stats(**asdict(self._stats))

    def reset(self) -> None:
        with self._lock:
            self._stats = Stats()

    def _count(self, **increments: int) -> None:
        with self._lock:
            for key, value in increments.items():
                setattr(self._stats, key, getattr(self._stats, key) + value)

    # -- the proxy ----------------------------------------------------------------

    async def _forward(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        from_client: bool,
        last_sender: list[str],
    ) -> None:
        """Read chunks from one side, deliver each ``delay`` later to the other."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes | None]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if data is None:
                    with contextlib.suppress(OSError):
                        if writer.can_write_eof():
                            writer.write_eof()
                    return
                writer.write(data)
                with contextlib.suppress(ConnectionError):
                    await writer.drain()

        delivering = asyncio.create_task(deliver())
        try:
            while data := await reader.read(65536):
                if from_client:
                    turn = 1 if last_sender[0] != "client" else 0
                    self._count(client_messages=1, client_bytes=len(data), turns=turn)
                    last_sender[0] = "client"
                else:
                    self._count(server_messages=1, server_bytes=len(data))
                    last_sender[0] = "server"
                queue.put_nowait((loop.time() + self.delay, data))
        except ConnectionError:
            pass
        finally:
            queue.put_nowait((loop.time() + self.delay, None))
            await delivering

    async def _handle(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        self._count(connections=1)
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        last_sender = ["server"]  # the client's first message starts a turn
        await asyncio.gather(
            self._forward(client_reader, server_writer, True, last_sender),
            self._forward(server_reader, client_writer, False, last_sender),
        )
        for w in (server_writer, client_writer):
            w.close()

    async def serve(self) -> None:
        """Serve until cancelled (the program's entry point)."""
        self._server = await asyncio.start_server(self._handle, *self.listen)
        self.port = self._server.sockets[0].getsockname()[1]
        async with self._server:
            await self._server.serve_forever()

    # -- in a background thread ------------------------------------------------------

    def start(self) -> Self:
        started = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()

            async def main() -> None:
                self._server = await asyncio.start_server(self._handle, *self.listen)
                self.port = self._server.sockets[0].getsockname()[1]
                started.set()
                async with self._server:
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._server.serve_forever()

            self._loop.run_until_complete(main())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="latency-proxy", daemon=True)
        self._thread.start()
        started.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None and self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default="127.0.0.1:5432", help="host:port to forward to")
    parser.add_argument("--listen", default="127.0.0.1:6432", help="host:port to listen on")
    parser.add_argument("--delay-ms", type=float, default=5.0, help="delay per message, each way")
    args = parser.parse_args()
    proxy = LatencyProxy(
        *_host_port(args.target),
        delay=args.delay_ms / 1000,
        listen_host=_host_port(args.listen)[0],
        listen_port=_host_port(args.listen)[1],
    )
    print(f"proxy {args.listen} -> {args.target}, +{args.delay_ms} ms each way (Ctrl-C stops)")
    try:
        asyncio.run(proxy.serve())
    except KeyboardInterrupt:
        pass
    print(proxy.stats())


if __name__ == "__main__":
    main()
