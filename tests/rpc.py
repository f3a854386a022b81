# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Calls as a client makes them, for HttpCase tests: XML-RPC and the web
client's JSON-RPC as a given user (whose password is their login, as
``new_test_user`` makes it), and the refusal of a call with its message.
The requests run in the test's transaction, rolled back at its end."""

import contextlib
from xmlrpc import client as xmlrpclib

from odoo.tests import get_db_name


class RpcMixin:
    def rpc(self, user, model, method, *args, **kwargs):
        """``method`` of ``model`` called over XML-RPC as ``user``."""
        return self.xmlrpc_object.execute_kw(
            get_db_name(), user.id, user.login, model, method, list(args), kwargs
        )

    def json_rpc(self, user, model, method, *args, **kwargs):
        """The same over JSON-RPC, as the web client calls (also for replies
        that XML-RPC cannot carry, such as None in a JSON field)."""
        self.authenticate(user.login, user.login)
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    @contextlib.contextmanager
    def rpc_refused(self, regex):
        """The XML-RPC call in the block fails with a message matching
        ``regex`` (the request's transaction is rolled back)."""
        with self.assertRaises(xmlrpclib.Fault) as caught:
            yield caught
        self.assertRegex(caught.exception.faultString, regex)
        self.env.invalidate_all()

    def assertRpcRefused(self, regex, user, model, method, *args, **kwargs):
        """:meth:`rpc` refused with a message matching ``regex``."""
        with self.rpc_refused(regex):
            self.rpc(user, model, method, *args, **kwargs)
