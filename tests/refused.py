# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import contextlib


class RefusedMixin:
    @contextlib.contextmanager
    def refused(self, exception, pattern):
        """assertRaises (which rolls back to a savepoint, so that nothing
        stays saved) and the message matches ``pattern``."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)
