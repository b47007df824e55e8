"""Arena's scoring library: strict readers, validation and metrics, free of Django.

Organizers and participants can use it on their own: ``python -m scoring --help``.
"""

from scoring.engine import ScoreReport, score_predictions
from scoring.errors import InvalidPredictions, TableReadError
from scoring.metrics import METRICS, higher_is_better
from scoring.readers import read_arrow, read_table
from scoring.spec import TaskSpec
from scoring.splits import assign_usage
from scoring.validation import check_predictions, required_columns, validate_predictions

__all__ = [
    "METRICS",
    "InvalidPredictions",
    "ScoreReport",
    "TableReadError",
    "TaskSpec",
    "assign_usage",
    "check_predictions",
    "higher_is_better",
    "read_arrow",
    "required_columns",
    "read_table",
    "score_predictions",
    "validate_predictions",
]
