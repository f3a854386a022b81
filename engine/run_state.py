# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the engine keeps between the statements of one piece of work in a
cursor: a run's steps (an inline run: all of them in one transaction; the
cron: one step, committed), the preview sandbox, a partner's metric table.

One object per cursor, made by :func:`attached` for the time of that work
and dropped after it; the stages read it with :func:`of`.  Outside any
work (a lone read), :func:`of` gives a fresh object: nothing is kept.
"""

import contextlib

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
        "universes",
    )

    def __init__(self, inline=False):
        # the whole run in this transaction (a button, the queue, tests), or
        # a step of the cron's, committed on its own
        self.inline = inline
        # which partner filter each universe table holds ({key: table}, least
        # recently used first; see classify._fill_universe)
        self.universes = {}
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
        """The next scheme fills its universe and reads the members again: the
        run wrote something (a partner filter may test segments)."""
        self.universes = {}
        self.members = None


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
