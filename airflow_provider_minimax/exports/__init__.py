"""Export rows to files: JSONL, CSV and Parquet writers, and the manifest. No Airflow here."""
