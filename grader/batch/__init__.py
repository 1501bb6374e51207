"""Batch marking shared by the command line and the service: input kinds, workers, summaries.

    from grader.batch import Item, iter_zip, iter_table, run_batch, Summary
"""

from .items import MAX_ESSAY_BYTES, MAX_WORDS, Item, prepare_text
from .pool import Outcome, grade_items
from .sources import ArchiveLimits, TableOptions, iter_table, iter_zip, kind_of
from .summary import Summary

__all__ = ["Item", "prepare_text", "MAX_ESSAY_BYTES", "MAX_WORDS", "Outcome", "grade_items",
           "ArchiveLimits", "TableOptions", "iter_table", "iter_zip", "kind_of", "Summary"]
