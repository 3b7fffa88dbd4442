import pytest


@pytest.fixture(params=["standalone", "mounted"])
def app_mode(request) -> str:
    """The main flows run on the standalone site and inside a host app under /training."""
    return request.param
