"""Browser tests run Home Assistant as a subprocess: no in-process `hass` for them."""

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the suite's autouse fixture, which would start an in-process `hass`.

    Home Assistant runs in its own process here (scripts/develop --json) and loads the
    integration from the checkout like a user's installation does.
    """
