"""The translations: every string the integration shows exists, is used, and exists in German.

Home Assistant shows a raw key, or nothing, where a string is missing, and hassfest checks only
the shape of en.json. Three kinds of check close the gap, none of them reading the code's logic:

- while every test runs, the `check_translations` fixture (translation_check.py) fails it when
  a flow, repair issue or translated error uses a key or placeholder en.json lacks;
- entity and device names and states are compared, both ways, with what the integration puts
  in Home Assistant's registries for the demo household plus every device-naming case;
- every other key must at least occur in the code or services.yaml, so stale strings do not pile
  up; and de.json must match en.json. Icons and services.yaml itself: see test_metadata.py.
"""

from collections.abc import Mapping
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
import yaml

from .helpers import ON_OFF_PLATFORMS, Registered, states_of
from .translation_check import flatten, placeholders

# Where this module sets up the integration, it wants the energy figures' entities too.
pytestmark = pytest.mark.energy_history

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = ROOT / "custom_components" / "podero"
EN: dict[str, Any] = json.loads((INTEGRATION / "translations/en.json").read_bytes())
DE: dict[str, Any] = json.loads((INTEGRATION / "translations/de.json").read_bytes())
ENGLISH, GERMAN = flatten(EN), flatten(DE)
SERVICES_YAML = (INTEGRATION / "services.yaml").read_text("utf-8")
SERVICES: dict[str, Any] = yaml.safe_load(SERVICES_YAML)

REFERENCE = re.compile(r"\[%key:[^%\]]+%\]")
# hassfest's rules: keys are lowercase slugs (no leading, trailing or doubled - and _), and a
# reference must be the whole string, never combined with text.
SLUG = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
SINGLE_QUOTED_PLACEHOLDER = re.compile(r"'\{\w+\}'")
HTML_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
QUOTED_WORD = re.compile(r"""(["'])([a-z0-9_-]+)\1""")

# Abort reasons Home Assistant's config-flow helpers give by themselves: used when one of
# the helpers is called.
UPDATE_AND_ABORT = ("async_update_reload_and_abort", "async_update_and_abort")
IMPLICIT_ABORTS = {
    "already_configured": (
        "_abort_if_unique_id_configured",
        "_async_abort_entries_match",
    ),
    "already_in_progress": ("async_set_unique_id",),
    "reauth_successful": UPDATE_AND_ABORT,
    "reconfigure_successful": UPDATE_AND_ABORT,
}

# German strings that are rightly the same as in English: the brand, words German uses as they
# are (Wallbox, Status, OK, Online, Offline, Sandbox) and the heat pump's mode names, which are
# Podero's product terms. Strings made only of placeholders need no entry.
SAME_IN_GERMAN = frozenset(
    {"Podero", "Wallbox", "Wallbox {suffix}", "Status", "OK", "Online", "Offline"}
    | {"Sandbox (sandbox-app.podero.com)", "Min", "Eco", "Boost"}
)


def _section(tree: Mapping[str, Any], *path: str) -> dict[str, Any]:
    """Return a nested section of a translation tree, or {} if it is absent."""
    node: Any = tree
    for key in path:
        node = node.get(key, {}) if isinstance(node, Mapping) else {}
    return dict(node) if isinstance(node, Mapping) else {}


# --- entities and devices, as registered ------------------------------------------------------


async def test_entity_names_are_those_of_the_entities(registered: Registered) -> None:
    """Each entity has a name under entity.<platform>.<key>, and each name has an entity."""
    used = {(entry.domain, entry.translation_key) for entry in registered.entities}
    translated = {
        (platform, key)
        for platform, keys in _section(EN, "entity").items()
        for key, entry in keys.items()
        if entry.get("name")
    }
    assert (used - translated, translated - used) == (
        set(),
        set(),
    )  # untranslated, unused


async def test_a_shared_key_means_the_same_on_every_device(
    registered: Registered,
) -> None:
    """Entities of several devices sharing a key (battery_level, ...) have one meaning."""
    meaning: dict[tuple[str, str | None], set[Any]] = {}
    for entry in registered.entities:
        meaning.setdefault((entry.domain, entry.translation_key), set()).add(
            (
                entry.original_device_class,
                entry.original_icon,
                frozenset(states_of(entry)),
            )
        )
    assert {key: kinds for key, kinds in meaning.items() if len(kinds) > 1} == {}


async def test_entity_states_are_those_the_entities_can_have(
    registered: Registered,
) -> None:
    """An enum or select has each option translated, and no translation for other states."""
    wrong = {}
    for entry in registered.entities:
        translated = set(
            _section(EN, "entity", entry.domain, entry.translation_key, "state")
        )
        states = states_of(entry)
        # On and off need no translation: Home Assistant names them by device class.
        if entry.domain in ON_OFF_PLATFORMS:
            translated -= states
            states = set()
        if translated != states:
            wrong[entry.entity_id] = sorted(translated ^ states)
    assert wrong == {}


async def test_translated_state_attributes_exist(
    hass: HomeAssistant, registered: Registered
) -> None:
    """Each entity.<platform>.<key>.state_attributes.<name> is an attribute of such an entity."""
    shown: dict[tuple[str, str | None], set[str]] = {}
    for entry in registered.entities:
        state = hass.states.get(entry.entity_id)
        shown.setdefault((entry.domain, entry.translation_key), set()).update(
            state.attributes if state else ()
        )
    wrong = {
        f"{platform}.{key}": sorted(
            set(entry["state_attributes"]) - shown.get((platform, key), set())
        )
        for platform, keys in _section(EN, "entity").items()
        for key, entry in keys.items()
        if "state_attributes" in entry
    }
    assert {key: names for key, names in wrong.items() if names} == {}


async def test_device_names_are_those_of_the_devices(registered: Registered) -> None:
    """Each device name key has a name under device.<key>, and each name has a device."""
    used, translated = set(registered.device_names), set(_section(EN, "device"))
    assert (used - translated, translated - used) == (
        set(),
        set(),
    )  # untranslated, unused


async def test_device_names_use_only_the_placeholders_given(
    registered: Registered,
) -> None:
    """A device name uses only placeholders every registration with its key passes."""
    wrong = {
        key: sorted(placeholders(_section(EN, "device", key).get("name", "")) - given)
        for key, given in registered.device_names.items()
    }
    assert {key: names for key, names in wrong.items() if names} == {}


# --- every other string is used ----------------------------------------------------------------


# The parts of en.json paths that name something the code or services.yaml must mention.
NAMED_BY_THE_CODE = (
    r"(exceptions|issues)\.([^.]+)",
    r"(config|options)\.(step|error|abort)\.([^.]+)",
    r"(selector|services)\.([^.]+)",
    r"selector\.[^.]+\.options\.([^.]+)",
    r"services\.[^.]+\.fields\.([^.]+)",
)
# The parts hassfest validates as translation keys.
SLUG_KEYS = (
    r"(entity)\.[^.]+\.([^.]+)",
    r"entity\.[^.]+\.[^.]+\.(state|state_attributes)\.([^.]+)",
    r"selector\.[^.]+\.options\.([^.]+)",
    r"(device|services|exceptions)\.([^.]+)",
    r"services\.[^.]+\.fields\.([^.]+)",
)


def _named(patterns: tuple[str, ...], tree: Mapping[str, Any]) -> set[tuple[str, str]]:
    """Return (path, name) for each path prefix of the tree that one of the patterns matches."""
    return {
        (match[0], match[match.lastindex or 0])
        for path in flatten(tree)
        for pattern in patterns
        if (match := re.match(pattern, path))
    }


def test_every_string_is_used() -> None:
    """Each key outside entity and device names occurs quoted in the code or in services.yaml.

    That is all "used" means here, so that it does not depend on how the code is organised;
    Home Assistant's own abort reasons count when the helper that gives them is called.
    """
    code = "\n".join(path.read_text("utf-8") for path in INTEGRATION.rglob("*.py"))
    mentioned = {word for _quote, word in QUOTED_WORD.findall(code)}
    mentioned |= set(re.findall(r"[a-z0-9_-]+", SERVICES_YAML))
    mentioned |= {
        reason
        for reason, helpers in IMPLICIT_ABORTS.items()
        if any(f"{helper}(" in code for helper in helpers)
    }
    unused = {
        path for path, name in _named(NAMED_BY_THE_CODE, EN) if name not in mentioned
    }
    assert unused == set()


# --- actions (services.yaml) ------------------------------------------------------------------


def test_actions_and_their_fields_are_translated_as_described() -> None:
    """en.json names exactly the actions and fields of services.yaml, each with a description."""
    described = {
        action: sorted((spec or {}).get("fields") or {})
        for action, spec in SERVICES.items()
    }
    translated = {
        action: sorted(entry.get("fields", {}))
        for action, entry in _section(EN, "services").items()
    }
    assert translated == described
    needed = [
        f"services.{action}.{prefix}{part}"
        for action, fields in described.items()
        for prefix in ("", *(f"fields.{field}." for field in fields))
        for part in ("name", "description")
    ]
    assert [key for key in needed if not ENGLISH.get(key)] == []


def test_select_options_of_actions_are_translated() -> None:
    """A select field with a translation key has exactly its options under selector.<key>."""
    wrong = {}
    for action, spec in SERVICES.items():
        for field, field_spec in ((spec or {}).get("fields") or {}).items():
            select = (field_spec.get("selector") or {}).get("select") or {}
            if key := select.get("translation_key"):
                options = {
                    o["value"] if isinstance(o, Mapping) else o
                    for o in select["options"]
                }
                if diff := options ^ set(_section(EN, "selector", key, "options")):
                    wrong[f"{action}.{field}"] = sorted(diff)
    assert wrong == {}


# --- hassfest's rules -------------------------------------------------------------------------


@pytest.mark.parametrize("language", [EN, DE], ids=["en", "de"])
def test_translation_keys_are_valid(language: dict[str, Any]) -> None:
    """Keys hassfest checks are lowercase slugs without leading, trailing or doubled _ and -."""
    invalid = {path for path, key in _named(SLUG_KEYS, language) if not SLUG.match(key)}
    assert invalid == set()


@pytest.mark.parametrize("language", [EN, DE], ids=["en", "de"])
def test_strings_follow_hassfest_rules(language: dict[str, Any]) -> None:
    """Strings have no HTML, no surrounding spaces, no '{quoted}' placeholders, no mixed refs."""
    wrong = [
        path
        for path, text in flatten(language).items()
        if not isinstance(text, str)
        or text != text.strip()
        or HTML_TAG.search(text)
        or SINGLE_QUOTED_PLACEHOLDER.search(text)
        or COMBINED_REFERENCE.search(text)
    ]
    assert wrong == []


@pytest.mark.parametrize("language", [EN, DE], ids=["en", "de"])
def test_field_descriptions_describe_fields_with_a_label(
    language: dict[str, Any],
) -> None:
    """Each data_description key of a step also has a label under data (hassfest's rule)."""
    wrong = [
        f"{flow}.step.{step_id}.data_description.{field}"
        for flow in ("config", "options")
        for step_id, step in _section(language, flow, "step").items()
        for field in step.get("data_description", {})
        if field not in step.get("data", {})
    ]
    assert wrong == []


# --- German -----------------------------------------------------------------------------------


def test_german_has_the_same_keys_as_english() -> None:
    """de.json has exactly en.json's key tree: nothing missing, nothing extra."""
    missing, extra = ENGLISH.keys() - GERMAN.keys(), GERMAN.keys() - ENGLISH.keys()
    assert (missing, extra) == (set(), set())


def test_german_strings_are_not_empty() -> None:
    """No German string is empty or only whitespace."""
    assert [path for path, text in GERMAN.items() if not str(text).strip()] == []


def test_german_strings_keep_placeholders_and_references() -> None:
    """Each German string has its English original's {placeholders} and [%key:...%] references."""
    wrong = [
        path
        for path, text in ENGLISH.items()
        if path in GERMAN
        and (
            placeholders(text) != placeholders(GERMAN[path])
            or sorted(REFERENCE.findall(text))
            != sorted(REFERENCE.findall(GERMAN[path]))
        )
    ]
    assert wrong == []


def test_german_strings_are_translated() -> None:
    """No German string is left as the English one, except the allow-listed words.

    Strings that are only placeholders and references (such as "{manufacturer} {model}") are
    the same in every language and need no allow-listing.
    """
    untranslated = [
        f"{path}: {text}"
        for path, text in ENGLISH.items()
        if GERMAN.get(path) == text
        and text not in SAME_IN_GERMAN
        and re.search(r"[A-Za-z]", REFERENCE.sub("", re.sub(r"\{\w+\}", "", text)))
    ]
    assert untranslated == []


def test_german_allow_list_has_no_stale_entries() -> None:
    """Every allow-listed string still occurs, identical, in en.json and de.json."""
    same = {text for path, text in ENGLISH.items() if GERMAN.get(path) == text}
    assert SAME_IN_GERMAN - same == set()
