"""What the integration does with the client's Retry-After (known bugs outside the client)."""

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.helpers import SimulatedPodero, setup_integration

HEAT_PUMPS = "GET /api/partners/v2.0/org/{o}/users/{u}/heat-pumps"


@pytest.mark.usefixtures("enable_custom_integrations")
@pytest.mark.xfail(
    strict=True,
    reason=(
        "bug: PoderoCoordinator._quiet adds timedelta(seconds=retry_after) to now without a "
        "cap, so an absurd Retry-After overflows datetime and breaks the whole refresh"
    ),
)
async def test_absurd_retry_after_only_quiets_the_endpoint(
    hass: HomeAssistant, podero: SimulatedPodero, config_entry: MockConfigEntry
) -> None:
    """A 429 asking for 31,700 years of silence must not break reading the other devices."""
    await setup_integration(hass, config_entry)
    coordinator = config_entry.runtime_data.coordinator
    podero.simulator.faults.script("429", match=HEAT_PUMPS, retry_after=10**12)

    await coordinator.async_refresh()

    assert coordinator.last_update_success
