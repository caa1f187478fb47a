"""What the engine tells the person running the sync.

* :mod:`~syncengine.reports.sync_report`: a job's report (created, modified, deleted on each
  side, every error) and the error tables behind it.
* :mod:`~syncengine.reports.guide`: the status-code guide, what a QuickBooks status code or a
  COM HRESULT means and the steps that fix it (words in ``guide_entries.yaml``).
* :mod:`~syncengine.reports.explain`: the guide's hint the sync job stores with each error.

The package imports nothing itself, so the sync job can reach ``explain`` without the
report's tables.
"""
