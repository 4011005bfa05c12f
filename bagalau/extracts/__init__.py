"""National-scale extracts: source-system records → methodology inputs, and the
reconciliation of self-reported inputs with them.

* ``schemas``: the record schema of each extract kind (service requests,
  EDMS documents, pass events, complaints, procurement contracts, licences);
* ``imports`` and ``workspace``: a CSV or Parquet file is validated row by
  row and kept as typed Parquet, or nothing is kept;
* ``definitions``: the aggregation files beside the editions
  (``bagalau/methodologies/extracts/<edition>.yaml``);
* ``aggregation`` and ``engines``: one query per kind, run on DuckDB by
  default or on PySpark; ``calendar``: the Kazakhstan working-day table the
  queries join;
* ``reconcile``: derived inputs against the bodies' reports, into the
  campaign's reconciliation act (``bagalau.campaigns.reconciliation``);
* ``generators``: deterministic synthetic extracts for the demo and the
  benchmark.
"""
