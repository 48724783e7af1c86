"""gunicorn settings read by scripts/entrypoint.sh (`--config python:sirkel.gunicorn_conf`).

With PROMETHEUS_MULTIPROC_DIR set, each worker writes its metrics to files there; a worker that
exits (gunicorn recycles them after --max-requests) must be marked dead so its live gauges stop
counting."""


def child_exit(server, worker):
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
