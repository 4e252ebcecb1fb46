"""The worker fleet: a run's live and archive checks handed to ``linkwatch worker`` processes.

The task queue is procrastinate, which keeps its jobs in the same PostgreSQL
database as the store, so a fleet needs nothing but that database
(``docs/design.md`` says why). The pieces, in the order a run meets them:

- :mod:`linkwatch.fleet.plan`: a run's URLs cut into shards of whole hosts, and
  the combination of the shards' outcomes (pure functions);
- :mod:`linkwatch.fleet.queue`: the procrastinate app, its schema, stalled-job recovery;
- :mod:`linkwatch.fleet.job`: what a worker does with one shard, stored in one transaction;
- :mod:`linkwatch.fleet.coordinate`: ``check --distributed``: plan or resume, wait, judge;
- :mod:`linkwatch.fleet.worker`: ``linkwatch worker``: take jobs, back off while the database
  cannot be reached.
"""

from __future__ import annotations
