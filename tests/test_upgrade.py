"""Upgrading in place: what v0.1.0 stored keeps working with today's code.

The fixture was written by v0.1.0 (2e2a13d) for the demo household: every entity's unique id
and entity id, and the Store of a heat-pump pause scheduled to resume at 10:00 UTC next day.
"""

from datetime import UTC, datetime
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.podero.const import DOMAIN
from podero_simulator.scenarios import HEAT_PUMP_ID

from .helpers import SimulatedPodero, advance, pause_store_key, setup_integration

OLD = json.loads(
    (Path(__file__).parent / "fixtures" / "upgrade_v0_1_0.json").read_text()
)
RESUME_AT = datetime(2026, 1, 16, 10, tzinfo=UTC)


@pytest.fixture
def upgraded(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    podero: SimulatedPodero,
) -> MockConfigEntry:
    """The entry with the registry and the pause Store as v0.1.0 left them."""
    config_entry.add_to_hass(hass)
    registry = er.async_get(hass)
    for unique_id, entity_id in OLD["entities"]:
        domain, object_id = entity_id.split(".")
        registry.async_get_or_create(
            domain,
            DOMAIN,
            unique_id,
            suggested_object_id=object_id,
            config_entry=config_entry,
        )
    version, minor = OLD["pause_store_version"]
    hass_storage[pause_store_key(config_entry.entry_id)] = {
        "version": version,
        "minor_version": minor,
        "key": pause_store_key(config_entry.entry_id),
        "data": OLD["pauses"],
    }
    # v0.1.0 had turned optimisation off when it scheduled the resume.
    podero.simulator.update_device(
        HEAT_PUMP_ID, {"is_smart_optimization_active": False}
    )
    return config_entry


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_every_entity_keeps_its_entity_id(
    hass: HomeAssistant, upgraded: MockConfigEntry
) -> None:
    """Same unique ids, so the same entity ids: no new entity, none orphaned."""
    await setup_integration(hass, upgraded)

    entries = er.async_entries_for_config_entry(er.async_get(hass), upgraded.entry_id)
    assert sorted([entry.unique_id, entry.entity_id] for entry in entries) == sorted(
        OLD["entities"]
    )
    assert all(hass.states.get(entity_id) for _, entity_id in OLD["entities"])


async def test_a_stored_pause_still_resumes_on_time(
    hass: HomeAssistant,
    upgraded: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """The resume v0.1.0 scheduled is re-armed, and runs at its time."""
    await setup_integration(hass, upgraded)
    assert upgraded.runtime_data.pauses.paused_until(HEAT_PUMP_ID) == RESUME_AT
    optimising = "is_smart_optimization_active"
    assert podero.simulator.device_payload(HEAT_PUMP_ID)[optimising] is False

    await advance(hass, frozen_time, RESUME_AT - datetime.now(UTC))

    assert podero.simulator.device_payload(HEAT_PUMP_ID)[optimising] is True
    assert upgraded.runtime_data.pauses.paused_until(HEAT_PUMP_ID) is None
