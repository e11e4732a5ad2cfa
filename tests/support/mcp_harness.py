"""Drive an MCP server subprocess with the official client from synchronous tests and benches.

The client lives in one asyncio task on a private event loop thread for the harness's
whole life (anyio scopes must be entered and left by the same task); tests submit
coroutines to that loop. One subprocess serves a whole test module.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from mcp import Client, StdioServerParameters

T = TypeVar("T")


class McpHarness:
    def __init__(self, params: StdioServerParameters, **client_kwargs: Any) -> None:
        self.params = params
        self.client_kwargs = client_kwargs
        self.client: Client | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mcp-harness", daemon=True)
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._holder: Any = None
        self._error: BaseException | None = None

    async def _hold(self) -> None:
        self._stop = asyncio.Event()
        try:
            async with Client(self.params, **self.client_kwargs) as client:
                self.client = client
                self._ready.set()
                await self._stop.wait()
        except BaseException as exc:  # surfaced by start()
            self._error = exc
            self._ready.set()
            raise

    def start(self, timeout: float = 60) -> McpHarness:
        self._thread.start()
        self._holder = asyncio.run_coroutine_threadsafe(self._hold(), self._loop)
        if not self._ready.wait(timeout):
            raise TimeoutError("the MCP server did not start")
        if self._error is not None:
            raise RuntimeError(f"the MCP server did not start: {self._error!r}") from self._error
        return self

    def run(self, fn: Callable[[Client], Awaitable[T]], timeout: float = 120) -> T:
        assert self.client is not None, "start() first"
        return asyncio.run_coroutine_threadsafe(fn(self.client), self._loop).result(timeout)

    def call(self, name: str, arguments: dict[str, Any] | None = None, timeout: float = 120) -> Any:
        return self.run(lambda c: c.call_tool(name, arguments or {}), timeout)

    def close(self, timeout: float = 30) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._holder is not None:
            try:
                self._holder.result(timeout)
            except BaseException:
                pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self._loop.close()

    def __enter__(self) -> McpHarness:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
