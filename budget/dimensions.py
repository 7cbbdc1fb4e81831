"""The AI dimensions read from tags, and how a charge without a dimension's tag is shown.

A charge lacking a dimension's tag shows which tag it lacks ("(no model tag)"). "Unallocated"
means one thing everywhere: cost with no owning team, the line showback and chargeback keep apart.
"""

from __future__ import annotations

DIMENSIONS = ("model", "endpoint", "team", "environment", "workload_class", "deployment_id",
              "experiment")
NO_TAG = {d: f"(no {d.replace('_', ' ')} tag)" for d in DIMENSIONS}
UNALLOCATED = NO_TAG["team"]
