"""pipeline_kit: Python plugins around a dbt run (Airflow DAG generation, artifact analysis)."""

__version__ = "0.1.0"
