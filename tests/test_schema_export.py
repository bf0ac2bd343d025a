from kg.schema_export import render_schemas
from tests.paths import ROOT


def test_committed_schemas_are_current():
    stale = [name for name, text in render_schemas().items()
             if not (ROOT / "schemas" / name).exists() or (ROOT / "schemas" / name).read_text(encoding="utf-8") != text]
    assert stale == [], f"run `python -m kg.schema_export schemas` to refresh {stale}"
