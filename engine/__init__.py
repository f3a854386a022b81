from . import domains, formula, recompute, sql
