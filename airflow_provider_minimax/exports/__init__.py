"""Export rows to files: where the file goes (destination), the rows' way into it (pipeline), the
JSONL, CSV and Parquet writers (formats, shapes, schema), and the manifest. No Airflow here."""
