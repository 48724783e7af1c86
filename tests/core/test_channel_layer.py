"""The channel layer (core.channel_layer) on the real Redis: publishes side by side, never more
at once than its pool has connections."""

import asyncio

from django.conf import settings

from core.channel_layer import PubSubChannelLayer
from tests.support import run_async


def _layer(max_connections: int) -> PubSubChannelLayer:
    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    host = {**config["hosts"][0], "max_connections": max_connections}
    return PubSubChannelLayer(hosts=[host], prefix=f"{config['prefix']}-layer-test")


def test_a_burst_of_publishes_larger_than_the_pool_is_delivered_whole():
    async def burst() -> list[int]:
        layer = _layer(max_connections=4)
        channel = await layer.new_channel()
        await layer.group_add("burst", channel)
        # 60 at once on a pool of 4: redis-py's pool raises when it runs out, the layer waits.
        await asyncio.gather(*(layer.group_send("burst", {"type": "n", "n": n}) for n in range(60)))
        received = [(await asyncio.wait_for(layer.receive(channel), 5))["n"] for _ in range(60)]
        await layer.flush()
        return received

    assert sorted(run_async(burst())) == list(range(60))


def test_publishes_are_in_flight_together_not_one_after_another():
    async def peak() -> int:
        layer = _layer(max_connections=20)
        channel = await layer.new_channel()
        await layer.group_add("together", channel)
        shard = layer._get_layer()._shards[0]
        shard._ensure_redis()
        client, in_flight, most = shard._redis, 0, 0
        publish = client.publish

        async def counted(*args, **kwargs):
            nonlocal in_flight, most
            in_flight += 1
            most = max(most, in_flight)
            try:
                return await publish(*args, **kwargs)
            finally:
                in_flight -= 1

        client.publish = counted
        await asyncio.gather(*(layer.group_send("together", {"type": "n"}) for _ in range(30)))
        await layer.flush()
        return most

    # channels-redis alone publishes under a lock: one at a time. Here up to half the pool.
    assert run_async(peak()) == 10


def test_sends_to_several_groups_go_in_one_round_trip_and_all_arrive():
    async def both() -> tuple[dict, dict, int]:
        layer = _layer(max_connections=10)
        conversation, badge = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("conversation", conversation)
        await layer.group_add("badge", badge)
        shard = layer._get_layer()._shards[0]
        shard._ensure_redis()
        trips = 0
        pipeline = shard._redis.pipeline

        def counted(*args, **kwargs):
            nonlocal trips
            trips += 1
            return pipeline(*args, **kwargs)

        shard._redis.pipeline = counted
        await layer.group_send_many([("conversation", {"type": "a"}), ("badge", {"type": "b"})])
        got = (await layer.receive(conversation), await layer.receive(badge))
        await layer.flush()
        return *got, trips

    to_conversation, to_badge, trips = run_async(both())
    assert (to_conversation["type"], to_badge["type"], trips) == ("a", "b", 1)
