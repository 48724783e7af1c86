"""Process start-up for the servers (Daphne: sirkel.asgi, gunicorn: sirkel.wsgi)."""

import gc


def freeze_startup_heap() -> None:
    """Move everything alive after start-up (Django, Wagtail, the apps: most of a process's
    ~190 MB) out of the garbage collector's reach. It stays alive anyway, but every full
    collection used to walk all of it: under bench/chat.py at 300 messages/s those collections
    paused a Daphne process's event loop for 580–770 ms, the whole of the p99 (517 ms; after
    freezing 34 ms). Garbage left by start-up is collected first, so it is not kept forever."""
    gc.collect()
    gc.freeze()
