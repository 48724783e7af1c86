"""The channel layer: channels-redis's `RedisPubSubChannelLayer`, publishing without its lock.

Each shard of that layer publishes under an `asyncio.Lock` it shares with subscribing, so a
process publishes one message at a time: a PUBLISH, then waiting for its reply, which comes only
when the event loop comes round to the socket again. With thousands of busy sockets on the loop,
that capped a Daphne process at a few hundred publishes a second however idle its CPU was
(bench/chat.py: 349 of 500 deliveries/s, echo p50 10 s; without the lock 500 of 500, p50 11 ms).
A PUBLISH needs none of the subscription state the lock guards, and the shard's redis-py client
has a pool of its own, so here publishes run side by side on that pool's connections.
Subscribing and the receive loop are the library's own. At most half the pool's
`max_connections` publishes are in flight at once, so a burst queues rather than failing
sockets. `group_send_many` sends to several groups in one round trip. docs/decisions/0021."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer, RedisSingleShardConnection
from channels_redis.utils import _wrap_close


class _Shard(RedisSingleShardConnection):
    def __init__(self, host, channel_layer):
        super().__init__(host, channel_layer)
        # Fewer publishes in flight than the pool has connections (redis-py's async pool raises
        # when it runs out: PITFALLS.md), so a burst waits here instead of failing a socket.
        self._publishing = asyncio.Semaphore(max(1, host.get("max_connections", 100) // 2))

    async def publish(self, channel, message):
        async with self._publishing:
            self._ensure_redis()  # synchronous: no other task runs between the check and the use
            await self._redis.publish(channel, message)

    async def publish_many(self, items: list[tuple[str, bytes]]) -> None:
        async with self._publishing:
            self._ensure_redis()
            async with self._redis.pipeline(transaction=False) as pipe:
                for channel, message in items:
                    pipe.publish(channel, message)
                await pipe.execute()


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shards = [_Shard(shard.host, self) for shard in self._shards]

    async def group_send_many(self, sends: list[tuple[str, dict]]) -> None:
        """Several `group_send`s in one round trip to each shard (a pipeline of PUBLISH): a chat
        message goes to its conversation and to the recipient's badge at once."""
        by_shard: dict[_Shard, list[tuple[str, bytes]]] = defaultdict(list)
        for group, message in sends:
            channel = self._get_group_channel_name(group)
            by_shard[self._get_shard(channel)].append((channel, self.channel_layer.serialize(message)))
        await asyncio.gather(*(shard.publish_many(items) for shard, items in by_shard.items()))


class PubSubChannelLayer(RedisPubSubChannelLayer):
    def _get_layer(self):
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
        return layer
