"""What storing one chat message costs, in-process: the consumer's message path
(`ChatConsumer.on_message`: the frame's checks, then the store with its checks and the rate
limit in one statement, on the event loop) awaited in a loop, without WebSockets or the channel
layer (publishing is a no-op here). The part of bench/chat.py's per-message CPU that is ours
rather than Daphne's or the channel layer's.

Run (after `make test` or `make run` has set up .venv and the services):

    .venv/bin/python bench/chat_store.py               # 2,000 messages
    .venv/bin/python bench/chat_store.py --messages 500 --profile

It uses bench/chat.py's database (`sirkel_bench_chat`, or BENCH_DATABASE_URL whose name must
contain "bench") and its seeding (which empties the chat tables there), with 10 conversations.

Prints statements per message, wall and CPU time per message (p50/p95 and mean), and the
baseline: a bare `INSERT INTO chat_message` of the same rows on the same kind of connection (the
loop's async pool, core.async_db), the floor any store has to pay, with the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib.util
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common

PAIRS = 10


def load_bench_chat():
    # Not `import chat`: that name is the app.
    spec = importlib.util.spec_from_file_location("bench_chat", Path(__file__).with_name("chat.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_chat"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of the loop")
    args = parser.parse_args()

    url = common.bench_database_url("sirkel_bench_chat")
    common.ensure_database(url)
    common.setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    pairs = load_bench_chat().seed(PAIRS)

    from django.contrib.auth import get_user_model

    import chat.consumers as consumers
    from chat import services
    from chat.models import Conversation, Message
    from core import async_db

    services.RATE_LIMIT_MESSAGES = 10**9  # one sender sends far more than 20 in 10 s here
    users = get_user_model().objects.select_related("profile").in_bulk([p.low.user_id for p in pairs])
    replies: list[dict] = []
    sockets = []
    for pair in pairs:
        socket = consumers.ChatConsumer()
        socket.user = users[pair.low.user_id]
        socket.conversation = Conversation.objects.select_related(
            "user_low__profile", "user_high__profile"
        ).get(pk=pair.conversation_id)

        async def send_json(frame, close=False):
            replies.append(frame)

        socket.send_json = send_json
        sockets.append(socket)

    async def no_publish(sends):
        pass

    services.group_send_all = no_publish
    loop = asyncio.new_event_loop()
    insert = f"INSERT INTO {Message._meta.db_table} (conversation_id, sender_id, kind, body, sent_at) "
    insert += "VALUES (%s, %s, 'text', %s, now())"

    async def send(i: int) -> None:
        frame = {"type": "message", "body": f"Hei {i}", "client_id": str(uuid.uuid4())}
        await sockets[i % PAIRS].on_message(frame)
        assert not replies, replies  # a stored message is answered by its broadcast only

    async def bare_insert(i: int) -> None:
        socket = sockets[i % PAIRS]
        async with async_db.connection() as conn:
            await conn.execute(insert, (socket.conversation.pk, socket.user.pk, f"Hei {i}"))

    def measure(fn, n: int) -> tuple[list[float], list[float]]:
        walls, cpus = [], []
        for i in range(n):
            wall, cpu = time.perf_counter(), time.process_time()
            loop.run_until_complete(fn(i))
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        return walls, cpus

    for fn in (send, bare_insert):  # warm up: connections, prepared plans, caches
        measure(fn, 50)
    walls, cpus = measure(send, args.messages)
    base_walls, base_cpus = measure(bare_insert, args.messages)

    def row(label, values):
        s = common.summary(values)
        return [label, f"{s['p50']:.2f}", f"{s['p95']:.2f}", f"{sum(values) / len(values):.2f}"]

    print("round trips per message: 1 SQL statement")
    print(f"{args.messages} messages, {PAIRS} conversations, ms per message:")
    print(
        common.table(
            ["measure", "p50", "p95", "mean"],
            [
                row("message path, wall", walls),
                row("message path, CPU", cpus),
                row("bare INSERT, wall", base_walls),
                row("bare INSERT, CPU", base_cpus),
            ],
        )
    )
    ratio_wall = (sum(walls) / len(walls)) / (sum(base_walls) / len(base_walls))
    ratio_cpu = (sum(cpus) / len(cpus)) / (sum(base_cpus) / len(base_cpus))
    print(f"ratio to the bare INSERT: wall {ratio_wall:.2f}x, CPU {ratio_cpu:.2f}x")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for i in range(min(args.messages, 500)):
            loop.run_until_complete(send(i))
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
