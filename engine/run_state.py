# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the engine keeps between the statements of one piece of work in a
cursor: a run's steps (an inline run: all of them in one transaction; the
cron: one step, committed), the preview sandbox, a partner's metric table.

One object per cursor, made by :func:`attached` for the time of that work
and dropped after it; the stages read it with :func:`of`.  Outside any
work (a lone read), :func:`of` gives a fresh object: nothing is kept.
"""

import contextlib
import re

from odoo.tools import SQL

# how many rows this transaction wrote in each table so far (its own
# changes only, counted as they are made, rolled-back ones too)
TRANSACTION_WRITES = SQL(
    "SELECT relname, SUM(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_xact_user_tables "
    "GROUP BY relname"
)
# the names a statement may read a table by (quoted by the ORM or not)
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# whether some of these names are views (which read tables they do not name)
NAMES_VIEW = (
    "SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = ANY(%s) AND relkind IN ('v', 'm'))"
)
# a universe whose statement reads a view: forgotten after any write
ALWAYS = object()

# where the cursor holds the state of the work under way
KEY = "partner_segmentation.run_state"
# the run's chosen partners not read yet (None is a run of everyone)
UNREAD = object()


class RunState:
    """What a cursor's run knows of its work tables and of itself."""

    __slots__ = (
        "computed",
        "current",
        "inline",
        "members",
        "ranking_run",
        "scope",
        "universe_reads",
        "universes",
    )

    def __init__(self, inline=False):
        # the whole run in this transaction (a button, the queue, tests), or
        # a step of the cron's, committed on its own
        self.inline = inline
        # which partner filter each universe table holds ({key: table}, least
        # recently used first; see classify._fill_universe), and for each
        # the rows this transaction had written in the tables its statement
        # names when it was filled ({key: (names, {table: rows})}; see
        # forget_written)
        self.universes = {}
        self.universe_reads = {}
        # the members of the chosen partners: (partner ids, [(partner,
        # commercial partner)]) (see metrics._members)
        self.members = None
        # the schemes whose assignments of the chosen partners are in
        # psseg_current, with those partners (see apply.read_current)
        self.current = None
        # inline: the metric values computed up front for every scheme
        # (see run_steps._computed), None until then
        self.computed = None
        # the run's chosen partners (or None), read once (see run_steps._scope)
        self.scope = UNREAD
        # the full run whose classification keeps its ranking (the run's id;
        # see classify.keep_ranking), None when nothing keeps it (a preview)
        self.ranking_run = None

    def forget_tables(self):
        """The next scheme fills its universe and reads the members again."""
        self.universes = {}
        self.universe_reads = {}
        self.members = None

    def filled(self, cr, key, table, statement):
        """The universe table ``table`` now holds the partners of filter
        ``key``, selected by ``statement`` (SQL)."""
        names = frozenset(IDENTIFIER.findall(statement.code))
        self.universes[key] = table
        cr.execute(NAMES_VIEW, [sorted(names)])
        if cr.fetchone()[0]:
            self.universe_reads[key] = ALWAYS
            return
        cr.execute(TRANSACTION_WRITES)
        self.universe_reads[key] = (names, dict(cr.fetchall()))

    def evict(self, key):
        """The universe table of filter ``key`` is given to another filter."""
        self.universe_reads.pop(key, None)
        return self.universes.pop(key)

    def forget_written(self, env):
        """The run wrote something: the members are read again, and the
        universes whose statement names a table written since they were
        filled (a partner filter may test segments, or partner fields a
        feature sets on the partners who changed segment) are filled again;
        the others still hold their partners.

        PostgreSQL counts each row this transaction inserts, updates or
        deletes in a table as it does it (``pg_stat_xact_user_tables``): a
        table whose count did not move was not written (a TRUNCATE is not
        counted: a run empties its work tables only that way).  A statement
        names every table it reads (the ORM's subqueries and the engine's
        SQL alike), but for a view, which reads tables it does not name: a
        universe read through a view is filled again after any write.  A
        name in a statement that is no table's costs a refill at most."""
        self.members = None
        if not self.universes:
            return
        env.flush_all()  # what the features wrote through the ORM, counted
        cr = env.cr
        cr.execute(TRANSACTION_WRITES)
        writes = dict(cr.fetchall())
        for key, reads in list(self.universe_reads.items()):
            if reads is ALWAYS or any(
                writes.get(name, 0) != reads[1].get(name, 0) for name in reads[0]
            ):
                self.universes.pop(key, None)
                self.universe_reads.pop(key, None)


@contextlib.contextmanager
def attached(env, inline=False):
    """A new state for the work done inside, dropped after it (the state of
    any work around it comes back)."""
    cache = env.cr.cache
    previous = cache.get(KEY)
    state = cache[KEY] = RunState(inline)
    try:
        yield state
    finally:
        if previous is None:
            cache.pop(KEY, None)
        else:
            cache[KEY] = previous


def of(env):
    """The state of the work under way in ``env``'s cursor, or a fresh one
    that keeps nothing."""
    return env.cr.cache.get(KEY) or RunState()
