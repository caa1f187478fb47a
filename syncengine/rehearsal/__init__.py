"""Everything that wires a simulated run: the engine against qbsim in simpy time.

* :mod:`~syncengine.rehearsal.rehearse`: ``rehearse()``, a generated (or given) app synced
  into a simulated company with a fault plan and a bookkeeper; the report.
* :mod:`~syncengine.rehearsal.driver`: the simpy driver between a sync job and qbsim's
  ``QuickBooksHost``, its retry policy and the simulated clock.
* :mod:`~syncengine.rehearsal.autosync`: auto sync as a simpy process beside the host.
* :mod:`~syncengine.rehearsal.appgen`: a seeded app of customers, vendors, items, invoices...
* :mod:`~syncengine.rehearsal.batchgc`: the garbage collector set for one long run.
* :mod:`~syncengine.rehearsal.training`: training exercises, each set up against a simulated
  company, and the check of the trainee's work.

Only this package, :mod:`syncengine.transports.simulated` and the CLI's commands import
``qbsim``; the engine core never does (a test of the import contracts checks it).
"""
