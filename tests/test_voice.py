"""Voice control: sentences sent through Home Assistant's own conversation agent (Assist).

The setup is the one docs/voice.md tells users to make, taken from that file: its custom
sentences file (pressing buttons), its automation (the heat pump's optimisation level), the
entities it says to expose and the aliases it suggests. Each sentence the document lists as
working is run here and must reach the simulated Podero backend (or answer the question);
each it lists as not working must change nothing.
"""

from collections.abc import Awaitable, Callable
from pathlib import Path
import re
from typing import Any

from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import (
    async_expose_entity,
    async_should_expose,
)
from homeassistant.const import Platform
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.intent import IntentResponse, IntentResponseType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion
import yaml

from custom_components.podero.data import PoderoConfigEntry
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, HEAT_PUMP_ID, WALLBOX_ID

from .helpers import (
    EV_BATTERY,
    EV_CHARGE_NOW,
    HEAT_PUMP_SWITCH,
    USER_PATH,
    refresh_devices,
    setup_integration,
)

DOCS = Path(__file__).parent.parent / "docs" / "voice.md"
ASSIST = "conversation"

WALLBOX_CHARGE_NOW = "button.easee_wallbox_charge_now"
EV_PLUGGED_IN = "binary_sensor.tesla_model_3_plugged_in"
INDOOR_TEMPERATURE = "sensor.nibe_heat_pump_indoor_temperature"

# What docs/voice.md says to expose, and the aliases it suggests.
EXPOSED = (EV_CHARGE_NOW, WALLBOX_CHARGE_NOW, EV_BATTERY)
ALIASES = {EV_CHARGE_NOW: "Tesla", HEAT_PUMP_SWITCH: "heat pump optimisation"}

PUT_HEAT_PUMP = ("PUT", f"{USER_PATH}/heat-pumps/{HEAT_PUMP_ID}")
PUT_EV = ("PUT", f"{USER_PATH}/electric-vehicles/{EV_ID}")
PUT_WALLBOX = ("PUT", f"{USER_PATH}/wallboxes/{WALLBOX_ID}")
EV_BOOST = ("POST", f"{USER_PATH}/electric-vehicles/{EV_ID}/boost")
WALLBOX_BOOST = ("POST", f"{USER_PATH}/wallboxes/{WALLBOX_ID}/boost")

SWITCH_SENTENCES = [
    pytest.param(
        "turn off nibe heat pump smart optimization", HEAT_PUMP_ID, PUT_HEAT_PUMP, False
    ),
    pytest.param("turn on the tesla model 3 smart optimization", EV_ID, PUT_EV, True),
    pytest.param(
        "turn off easee wallbox smart optimization", WALLBOX_ID, PUT_WALLBOX, False
    ),
    pytest.param(
        "turn off the heat pump optimisation", HEAT_PUMP_ID, PUT_HEAT_PUMP, False
    ),
]
CHARGE_NOW_SENTENCES = [
    pytest.param("press tesla model 3 charge now", EV_ID, EV_BOOST),
    pytest.param(
        "press the easee wallbox charge now button", WALLBOX_ID, WALLBOX_BOOST
    ),
    pytest.param("charge the tesla now", EV_ID, EV_BOOST),
]
LEVEL_SENTENCES = [
    pytest.param("set the heat pump optimization level to max", "max"),
    pytest.param("set heat pump optimisation to low", "low"),
]
OPTIMISATION_QUESTION = "is nibe heat pump smart optimization on"
READING_SENTENCES = [
    pytest.param(
        "what is the nibe heat pump indoor temperature",
        INDOOR_TEMPERATURE,
        "Nibe heat pump indoor temperature is {} °C",
    ),
    pytest.param(
        "what is the tesla model 3 battery", EV_BATTERY, "Tesla model 3 battery is {} %"
    ),
]


def tried_without(case: str, sentence: str, *missing: str) -> Any:
    """A sentence tried with all docs/voice.md sets up except what is missing (`missing`)."""
    return pytest.param(sentence, missing, id=case)


# Sentences that docs/voice.md lists as not working, with what their setup lacks.
NOT_WORKING = [
    tried_without("no_sentences", "press tesla model 3 charge now", "custom_sentences"),
    tried_without("not_exposed", "press tesla model 3 charge now", "expose"),
    tried_without("turn_on_a_button", "turn on tesla model 3 charge now"),
    tried_without("split_name", "turn off smart optimization of the nibe heat pump"),
    tried_without("no_device_name", "turn off smart optimization"),
    tried_without(
        "no_automation",
        "set nibe heat pump optimization level to max",
        "voice_automation",
    ),
    tried_without("plug_sensor", "is tesla model 3 plugged in"),
]


def docs_yaml(title: str) -> Any:
    """The YAML block of docs/voice.md whose first line is the comment `# <title>`."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"```yaml\n# {re.escape(title)}\n(.*?)```", text, re.DOTALL)
    assert match, f"no YAML block for {title} in {DOCS.name}"
    return yaml.safe_load(match[1])


def docs_sentences(section: str) -> set[str]:
    """The sentences in the table under one heading of docs/voice.md."""
    text = DOCS.read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", body, re.MULTILINE))


def param_sentences(params: list[Any]) -> set[str]:
    """The sentences (first value) of some pytest parameters."""
    return {param.values[0] if hasattr(param, "values") else param for param in params}


@pytest.fixture
def missing() -> tuple[str, ...]:
    """What of docs/voice.md's setup is left out: custom_sentences, voice_automation, expose."""
    return ()


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str, missing: tuple[str, ...]) -> str:
    """A configuration directory, with the custom sentences file unless it is missing."""
    if "custom_sentences" not in missing:
        path = Path(hass_tmp_config_dir, "custom_sentences", "en", "podero.yaml")
        path.parent.mkdir(parents=True)
        path.write_text(
            yaml.safe_dump(docs_yaml("custom_sentences/en/podero.yaml")),
            encoding="utf-8",
        )
    return hass_tmp_config_dir


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> MockConfigEntry:
    """Assist and the demo household, set up as far as docs/voice.md says; log cleared."""
    for component in ("homeassistant", "intent", "conversation"):
        assert await async_setup_component(hass, component, {})
    await setup_integration(
        hass,
        config_entry,
        [
            Platform.SWITCH,
            Platform.SENSOR,
            Platform.BINARY_SENSOR,
            Platform.BUTTON,
            Platform.SELECT,
        ],
    )
    simulator.log.clear()
    return config_entry


@pytest.fixture
async def assist(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    missing: tuple[str, ...],
) -> Callable[[str], Awaitable[IntentResponse]]:
    """Say a sentence to Assist (in English) and wait for everything it set off."""
    if "expose" not in missing:
        for entity_id in EXPOSED:
            async_expose_entity(hass, ASSIST, entity_id, True)
    for entity_id, alias in ALIASES.items():
        entity_registry.async_update_entity(
            entity_id, aliases=[er.COMPUTED_NAME, alias]
        )
    if "voice_automation" not in missing:
        assert await async_setup_component(
            hass, "automation", {"automation": docs_yaml("automations.yaml")}
        )

    async def say(sentence: str) -> IntentResponse:
        result = await conversation.async_converse(
            hass, sentence, None, Context(), language="en"
        )
        await hass.async_block_till_done()
        return result.response

    return say


def writes(simulator: Simulator) -> list[tuple[str, str]]:
    """Method and path of every write (not GET) since the log was last cleared."""
    return [
        (entry["method"], entry["path"])
        for entry in simulator.requests()
        if entry["method"] != "GET"
    ]


def speech(response: IntentResponse) -> str:
    """What Assist answered."""
    return str(response.speech["plain"]["speech"])


async def set_optimising(
    simulator: Simulator, entry: PoderoConfigEntry, device_id: str, on: bool
) -> None:
    """Make Podero report smart optimisation of a device on or off, and poll it."""
    simulator.update_device(device_id, {"is_smart_optimization_active": on})
    await refresh_devices(entry)
    simulator.log.clear()


# --- Exposure --------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [("expose",)], ids=["not_exposed"])
@pytest.mark.usefixtures("assist")
async def test_exposed_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    loaded_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Without any setup Assist sees the smart-optimisation switches and temperatures."""
    entries = er.async_entries_for_config_entry(entity_registry, loaded_entry.entry_id)

    exposed = sorted(
        entry.entity_id
        for entry in entries
        if async_should_expose(hass, ASSIST, entry.entity_id)
    )

    assert exposed == snapshot


# --- Sentences that work ---------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "device_id", "write", "on"), SWITCH_SENTENCES)
async def test_smart_optimisation_by_voice(
    assist: Callable[[str], Awaitable[IntentResponse]],
    simulator: Simulator,
    loaded_entry: PoderoConfigEntry,
    sentence: str,
    device_id: str,
    write: tuple[str, str],
    on: bool,
) -> None:
    """Turning smart optimisation on or off by voice is one write to that device."""
    await set_optimising(simulator, loaded_entry, device_id, not on)

    response = await assist(sentence)

    assert response.response_type is IntentResponseType.ACTION_DONE
    assert speech(response) == f"Turned {'on' if on else 'off'} the switch"
    assert writes(simulator) == [write]
    assert simulator.device_payload(device_id)["is_smart_optimization_active"] is on


@pytest.mark.parametrize(("sentence", "device_id", "boost"), CHARGE_NOW_SENTENCES)
async def test_charge_now_by_voice(
    assist: Callable[[str], Awaitable[IntentResponse]],
    simulator: Simulator,
    sentence: str,
    device_id: str,
    boost: tuple[str, str],
) -> None:
    """Pressing Charge now by voice requests a boost from Podero."""
    response = await assist(sentence)

    assert response.response_type is IntentResponseType.ACTION_DONE
    assert speech(response) == "Done"
    assert writes(simulator) == [boost]
    assert simulator.device_payload(device_id)["boost_state"] == "requested"


@pytest.mark.parametrize(("sentence", "level"), LEVEL_SENTENCES)
async def test_optimisation_level_by_voice(
    assist: Callable[[str], Awaitable[IntentResponse]],
    simulator: Simulator,
    sentence: str,
    level: str,
) -> None:
    """The automation of docs/voice.md sets the heat pump's optimisation level."""
    response = await assist(sentence)

    assert speech(response) == f"Optimisation level set to {level}"
    assert writes(simulator) == [PUT_HEAT_PUMP]
    assert simulator.device_payload(HEAT_PUMP_ID)["optimization_level"] == level.title()


async def test_unknown_optimisation_level_is_explained(
    assist: Callable[[str], Awaitable[IntentResponse]], simulator: Simulator
) -> None:
    """A level the heat pump does not have is answered with the ones it has."""
    response = await assist("set the heat pump optimization level to banana")

    assert speech(response) == "Say low, mid or max"
    assert writes(simulator) == []


@pytest.mark.parametrize(("on", "answer"), [(True, "Yes"), (False, "No, off")])
async def test_asking_whether_optimisation_is_on(
    assist: Callable[[str], Awaitable[IntentResponse]],
    simulator: Simulator,
    loaded_entry: PoderoConfigEntry,
    on: bool,
    answer: str,
) -> None:
    """Assist answers from the switch's state, without asking Podero."""
    await set_optimising(simulator, loaded_entry, HEAT_PUMP_ID, on)

    response = await assist(OPTIMISATION_QUESTION)

    assert response.response_type is IntentResponseType.QUERY_ANSWER
    assert speech(response) == answer
    assert simulator.requests() == []


@pytest.mark.parametrize(("sentence", "entity_id", "answer"), READING_SENTENCES)
async def test_asking_for_a_reading(
    hass: HomeAssistant,
    assist: Callable[[str], Awaitable[IntentResponse]],
    simulator: Simulator,
    sentence: str,
    entity_id: str,
    answer: str,
) -> None:
    """Assist reads out the sensor's state, without asking Podero."""
    response = await assist(sentence)

    state = hass.states.get(entity_id)
    assert state is not None
    assert response.response_type is IntentResponseType.QUERY_ANSWER
    assert speech(response) == answer.format(f"{float(state.state):g}")
    assert simulator.requests() == []


# --- Sentences that do not work --------------------------------------------------------


@pytest.mark.parametrize(("sentence", "missing"), NOT_WORKING)
async def test_sentence_not_understood(
    hass: HomeAssistant,
    assist: Callable[[str], Awaitable[IntentResponse]],
    simulator: Simulator,
    sentence: str,
) -> None:
    """Sentences listed as not working get an error answer and change nothing."""
    async_expose_entity(hass, ASSIST, EV_PLUGGED_IN, True)

    response = await assist(sentence)

    assert response.response_type is IntentResponseType.ERROR
    assert writes(simulator) == []


async def test_charge_now_while_charging(
    assist: Callable[[str], Awaitable[IntentResponse]], simulator: Simulator
) -> None:
    """Podero refuses Charge now while charging; Assist can only report a failure."""
    assert simulator.boost(EV_ID)[0] == 204
    simulator.log.clear()

    response = await assist("press tesla model 3 charge now")

    assert response.response_type is IntentResponseType.ERROR
    assert speech(response) == "An unexpected error occurred"
    assert [(r["method"], r["path"], r["status"]) for r in simulator.requests()] == [
        (*EV_BOOST, 409)
    ]


# --- docs/voice.md ---------------------------------------------------------------------


def test_docs_list_exactly_the_tested_sentences() -> None:
    """The tables of docs/voice.md hold the sentences these tests run, and no others."""
    working = param_sentences(
        [
            *SWITCH_SENTENCES,
            *CHARGE_NOW_SENTENCES,
            *LEVEL_SENTENCES,
            *READING_SENTENCES,
            OPTIMISATION_QUESTION,
        ]
    )

    assert docs_sentences("Sentences that work") == working
    assert docs_sentences("Sentences that do not work") == param_sentences(NOT_WORKING)
