"""Financial years and quarters, for the apps that know them as plans' periods.

The value type lives at the bottom of the apps' order, in `frameworks.periods`, because a
policy framework is itself a range of financial years; this module names it for the apps
above, so that there is still one place that knows how `2016/17` works.
"""

from frameworks.periods import FinancialYear, Quarter, year_range

__all__ = ["FinancialYear", "Quarter", "year_range"]
