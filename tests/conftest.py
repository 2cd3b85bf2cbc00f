"""Suite-wide settings: torch works on one thread (every tensor in the tests is tiny; a thread pool only waits)."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _torch_on_one_thread():
    try:
        from symconv.backends.torch import available, one_thread
    except ImportError:  # pragma: no cover
        yield
        return
    if not available():
        yield
        return
    with one_thread():
        yield
