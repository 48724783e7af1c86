from django.db import migrations

CREATE = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'sirkel_norwegian') THEN
    CREATE TEXT SEARCH CONFIGURATION sirkel_norwegian (COPY = pg_catalog.norwegian);
    ALTER TEXT SEARCH CONFIGURATION sirkel_norwegian
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, norwegian_stem;
  END IF;
END
$$;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS sirkel_norwegian;"


class Migration(migrations.Migration):
    """Norwegian stemming after unaccent, for every app's full-text search (core.search)."""

    dependencies = [("catalog", "0002_load_categories"), ("places", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
