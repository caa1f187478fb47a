"""The commented template ``qbsync scenario new NAME`` writes: a playbook that runs as it is
(a customer synced), every key explained where it stands."""

from __future__ import annotations

TEMPLATE = """\
# A playbook: a documented flow as data. Every key is explained in scenarios/README.md.
# Run it with `qbsync scenario run scenarios/{name}.yaml`.
name: {name}                      # the file's name, without .yaml
title: Say in one line what a user does and what follows
covers:
  behaviour: What the flow must do (one or two sentences).
  source: "Which product's article documents it, e.g. Order Time: Delete from queue"
seed: 1                           # the same seed gives the same run, always
# start: 2025-01-06T09:00:00Z     # when the playbook's clock starts (the app's stamps)
# known_failure: "why it fails today"   # expected to fail until the engine is fixed

# QuickBooks before the first step: the accounts and terms of a new company, plus these
# records, by qbXML object name and fields.
quickbooks:
  Customer:
    - {{Name: Birch, Phone: "555-0100"}}

# The app before the first step. Each record has a key that steps name it by: {{key}} in a
# command line is the record's app ID, {{psr:key}} the ID of its newest PSR.
app:
  # generate: 50                  # seeded records of every type, before the listed ones
  records:
    - {{key: acme, type: customer, name: Acme}}

settings: {{}}                      # e.g. {{export.mark_paid: true}}
# faults: faults/every-fault.yaml  # a fault plan (path from this folder): `--faults faults.yaml`

steps:
  - title: Sync Acme to QuickBooks
    run: job run --simulated       # a qbsync command line; --db is added
    expect:
      exit: 0
      queue:
        acme: {{state: done, action: add}}
      app:
        acme: {{synced: true}}
      jobs: {{count: 1, errors: {{}}}}  # no error of any status code
      quickbooks:
        - {{kind: Customer, name: Acme, exists: true}}
      stdout:                      # the messages shown: contains, not_contains, matches
        contains: "Acme"
"""


def template(name: str) -> str:
    """The template for a playbook called ``name``."""
    return TEMPLATE.format(name=name)
