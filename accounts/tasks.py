"""Background work for privacy rights, run by `manage.py db_worker`."""

from django_tasks import task

from accounts import services


@task()
def data_export_build_task(export_id: int) -> int:
    export = services.data_export_build(export_id=export_id)
    return export.size if export else 0


@task()
def data_exports_purge() -> int:
    return services.data_exports_purge_due()
