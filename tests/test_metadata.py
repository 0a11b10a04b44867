"""The integration's metadata, checked the way hassfest and HACS check it, as far as works offline.

manifest.json, hacs.json, services.yaml and icons.json against those tools' rules, Home
Assistant's selector schemas and icons, and what the integration registers; their strings are
checked in test_translations.py.
"""

import json
from pathlib import Path
import re
from typing import Any
from urllib.parse import urlparse

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
import hass_frontend
from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import validate_selector
from homeassistant.setup import async_setup_component
import probatio
import pytest
import yaml

from custom_components.podero.const import DOMAIN

from .helpers import Registered, states_of
from .translation_check import flatten

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = ROOT / "custom_components" / "podero"


def _load_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


MANIFEST = _load_json(INTEGRATION / "manifest.json")
HACS = _load_json(ROOT / "hacs.json")
ICONS = _load_json(INTEGRATION / "icons.json")
SERVICES: dict[str, Any] = yaml.safe_load(
    (INTEGRATION / "services.yaml").read_text(encoding="utf-8")
)

# The keys hassfest's schema for custom integrations accepts: those of core integrations plus
# version, issue_tracker and import_executor. Anything else fails validation.
HASSFEST_MANIFEST_KEYS = frozenset(
    {
        "domain",
        "name",
        "integration_type",
        "config_flow",
        "mqtt",
        "zeroconf",
        "ssdp",
        "bluetooth",
        "homekit",
        "dhcp",
        "usb",
        "documentation",
        "quality_scale",
        "requirements",
        "dependencies",
        "after_dependencies",
        "codeowners",
        "loggers",
        "disabled",
        "iot_class",
        "single_config_entry",
        "preview_features",
        "version",
        "issue_tracker",
        "import_executor",
    }
)
# hassfest requires these of a custom integration (iot_class unless the domain is a platform
# or helper, version by a separate check); HACS requires issue_tracker as well.
REQUIRED_MANIFEST_KEYS = frozenset(
    {
        "domain",
        "name",
        "documentation",
        "codeowners",
        "iot_class",
        "version",
        "issue_tracker",
    }
)
# The keys of HACS's schema for hacs.json, and the type of each.
HACS_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "content_in_root": bool,
    "zip_release": bool,
    "filename": str,
    "hide_default_branch": bool,
    "homeassistant": str,
    "hacs": str,
    "persistent_directory": str,
    "render_readme": bool,
    "country": (str, list),
}
SERVICE_KEYS = frozenset({"name", "description", "target", "fields", "response"})
FIELD_KEYS = frozenset(
    {
        "name",
        "description",
        "example",
        "default",
        "required",
        "advanced",
        "selector",
        "filter",
    }
)
STRICT_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
GITHUB_HANDLE = re.compile(
    r"^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?$"
)
SLUG = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
CORE_DOCUMENTATION = "https://www.home-assistant.io/integrations"


# --- manifest.json ----------------------------------------------------------------------------


def test_manifest_domain_is_the_directory_name() -> None:
    """The domain is "podero", the integration's directory name and the code's DOMAIN."""
    assert MANIFEST["domain"] == "podero"
    assert MANIFEST["domain"] == INTEGRATION.name == DOMAIN


def test_manifest_version_is_semantic() -> None:
    """The version is a semantic version (MAJOR.MINOR.PATCH), as HACS and hassfest parse it."""
    version = MANIFEST["version"]
    assert isinstance(version, str)
    assert STRICT_SEMVER.match(version), version
    assert (
        AwesomeVersion(version, ensure_strategy=AwesomeVersionStrategy.SEMVER).strategy
        is AwesomeVersionStrategy.SEMVER
    )


@pytest.mark.parametrize(
    ("document", "key", "value"),
    [
        (MANIFEST, "name", "Podero"),
        (MANIFEST, "config_flow", True),  # set up from the UI
        (MANIFEST, "iot_class", "cloud_polling"),  # a cloud service, polled
        (MANIFEST, "integration_type", "hub"),  # one account brings many devices
        (HACS, "render_readme", True),  # the README is the integration's page in HACS
    ],
    ids=["name", "config_flow", "iot_class", "integration_type", "hacs-render_readme"],
)
def test_metadata_values(document: dict[str, Any], key: str, value: object) -> None:
    """The values (and JSON types) this integration must have in manifest.json and hacs.json."""
    assert (document[key], type(document[key])) == (value, type(value))


@pytest.mark.parametrize("key", ["documentation", "issue_tracker"])
def test_manifest_links_are_https_urls(key: str) -> None:
    """The documentation and issue tracker are absolute https URLs."""
    url = urlparse(MANIFEST[key])
    assert url.scheme == "https"
    assert url.netloc


def test_manifest_documentation_is_the_projects_own() -> None:
    """A custom integration must not point its documentation at home-assistant.io's pages."""
    assert not MANIFEST["documentation"].startswith(CORE_DOCUMENTATION)


def test_manifest_codeowners_are_github_handles() -> None:
    """Code owners are a non-empty list of GitHub users or teams, each starting with @."""
    owners = MANIFEST["codeowners"]
    assert isinstance(owners, list)
    assert owners
    assert [owner for owner in owners if not isinstance(owner, str)] == []
    assert [owner for owner in owners if not GITHUB_HANDLE.match(owner)] == []


def test_manifest_requirements_are_a_list_of_strings() -> None:
    """Requirements are a list of requirement strings (empty: the client ships inside)."""
    requirements = MANIFEST["requirements"]
    assert isinstance(requirements, list)
    assert [item for item in requirements if not isinstance(item, str)] == []


@pytest.mark.parametrize("key", ["dependencies", "after_dependencies", "loggers"])
def test_manifest_lists_hold_strings(key: str) -> None:
    """Where present, dependencies, after_dependencies and loggers are lists of strings."""
    value = MANIFEST.get(key, [])
    assert isinstance(value, list)
    assert [item for item in value if not isinstance(item, str)] == []


def test_manifest_has_the_keys_hassfest_and_hacs_require() -> None:
    """Every key that hassfest or HACS requires of a custom integration is present."""
    assert REQUIRED_MANIFEST_KEYS - MANIFEST.keys() == set()


def test_manifest_has_only_keys_hassfest_allows() -> None:
    """No key outside hassfest's schema for custom integrations (unknown keys fail it)."""
    assert MANIFEST.keys() - HASSFEST_MANIFEST_KEYS == set()


def test_manifest_keys_are_sorted_as_hassfest_requires() -> None:
    """The keys are domain, name, then the rest in alphabetical order."""
    keys = list(MANIFEST)
    rest = [key for key in keys if key not in ("domain", "name")]
    assert keys == ["domain", "name", *sorted(rest)]


# --- hacs.json --------------------------------------------------------------------------------


def test_hacs_json_has_only_keys_hacs_allows() -> None:
    """hacs.json uses only keys of HACS's schema for it."""
    assert HACS.keys() - HACS_TYPES.keys() == set()


def test_hacs_json_names_the_integration() -> None:
    """hacs.json has a name to show in HACS."""
    assert isinstance(HACS.get("name"), str)
    assert HACS["name"].strip()


def test_hacs_json_values_have_the_types_hacs_expects() -> None:
    """Each hacs.json value has its schema's type (text, flag, or country code list)."""
    wrong = {
        key: type(value).__name__
        for key, value in HACS.items()
        if key in HACS_TYPES and not isinstance(value, HACS_TYPES[key])
    }
    assert wrong == {}


def test_hacs_minimum_home_assistant_is_the_tested_release() -> None:
    """The minimum is the first release of the tested Home Assistant line: nothing older."""
    assert HACS["homeassistant"] == f"{MAJOR_VERSION}.{MINOR_VERSION}.0"


def test_repository_has_a_readme_for_hacs_to_render() -> None:
    """HACS needs an information file to show: the README.md at the repository root."""
    assert (ROOT / "README.md").is_file()


def test_hacs_finds_the_integration_where_it_is() -> None:
    """The repository holds exactly one integration, under custom_components/, not at its root."""
    assert not HACS.get("content_in_root", False)
    manifests = sorted(ROOT.glob("custom_components/*/manifest.json"))
    assert manifests == [INTEGRATION / "manifest.json"]


# --- services.yaml ----------------------------------------------------------------------------


def _fields() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (service, field, spec or {})
        for service, service_spec in SERVICES.items()
        for field, spec in ((service_spec or {}).get("fields") or {}).items()
    ]


async def test_services_yaml_lists_the_actions_the_integration_registers(
    hass: HomeAssistant,
) -> None:
    """services.yaml describes exactly the actions the integration registers."""
    assert await async_setup_component(hass, DOMAIN, {})

    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(SERVICES)


async def test_services_yaml_fields_are_those_each_action_accepts(
    hass: HomeAssistant,
) -> None:
    """Each action's fields in services.yaml are exactly the fields its schema accepts."""
    assert await async_setup_component(hass, DOMAIN, {})
    registered = hass.services.async_services_for_domain(DOMAIN)
    described = {
        service: set((spec or {}).get("fields") or {})
        for service, spec in SERVICES.items()
    }
    accepted = {
        service: {str(key) for key in registered[service].schema.schema}
        for service in SERVICES
    }
    assert described == accepted


def test_services_yaml_names_are_slugs() -> None:
    """Action and field names are lowercase slugs."""
    names = [*SERVICES, *(field for _service, field, _spec in _fields())]
    assert [name for name in names if not SLUG.match(name)] == []


def test_services_yaml_actions_use_only_known_keys() -> None:
    """An action has only the keys Home Assistant's services.yaml schema knows."""
    wrong = {
        service: sorted(set(spec or {}) - SERVICE_KEYS)
        for service, spec in SERVICES.items()
    }
    assert {service: keys for service, keys in wrong.items() if keys} == {}


def test_services_yaml_fields_use_only_known_keys() -> None:
    """A field has only the keys Home Assistant's services.yaml schema knows."""
    wrong = {
        f"{service}.{field}": sorted(set(spec) - FIELD_KEYS)
        for service, field, spec in _fields()
    }
    assert {where: keys for where, keys in wrong.items() if keys} == {}


def test_services_yaml_flags_are_booleans() -> None:
    """The required and advanced flags of a field are true or false."""
    wrong = [
        f"{service}.{field}.{flag}"
        for service, field, spec in _fields()
        for flag in ("required", "advanced")
        if flag in spec and not isinstance(spec[flag], bool)
    ]
    assert wrong == []


def test_services_yaml_fields_have_a_selector() -> None:
    """Every field has one selector, so the action editor can offer a control for it."""
    wrong = [
        f"{service}.{field}"
        for service, field, spec in _fields()
        if not isinstance(spec.get("selector"), dict) or len(spec["selector"]) != 1
    ]
    assert wrong == []


def test_services_yaml_selectors_are_valid() -> None:
    """Every selector passes Home Assistant's schema for its selector type."""
    invalid = {}
    for service, field, spec in _fields():
        if not isinstance(spec.get("selector"), dict):
            continue  # test_services_yaml_fields_have_a_selector reports it
        try:
            validate_selector(spec["selector"])
        except probatio.Invalid as err:
            invalid[f"{service}.{field}"] = str(err)
    assert invalid == {}


# --- icons.json -------------------------------------------------------------------------------


def test_every_action_and_only_an_action_has_an_icon() -> None:
    """Each action of services.yaml, and nothing else, has an icon under services.<action>."""
    icons = ICONS.get("services", {})
    assert set(icons) == set(SERVICES)
    assert [
        action
        for action, icon in icons.items()
        if not (isinstance(icon, str) or icon.get("service"))
    ] == []


@pytest.mark.energy_history
async def test_entities_without_a_device_class_have_an_icon(
    registered: Registered,
) -> None:
    """An entity without its own icon and a device class (enum has none) needs a default."""
    missing = {
        f"{entry.domain}.{entry.translation_key}"
        for entry in registered.entities
        if entry.original_icon is None
        and entry.original_device_class in (None, "enum")
        and "default"
        not in ICONS["entity"].get(entry.domain, {}).get(entry.translation_key, {})
    }
    assert missing == set()


@pytest.mark.energy_history
async def test_no_icon_for_an_entity_that_does_not_exist(
    registered: Registered,
) -> None:
    """Every entity.<platform>.<key> in icons.json belongs to an entity the integration adds."""
    declared = {(p, key) for p, keys in ICONS["entity"].items() for key in keys}
    used = {(entry.domain, entry.translation_key) for entry in registered.entities}
    assert declared - used == set()


@pytest.mark.energy_history
async def test_state_icons_only_for_states_the_entity_can_have(
    registered: Registered,
) -> None:
    """State icons name only the entity's options (or on and off for binary sensors, switches)."""
    extra = {
        f"{entry.entity_id}: {state}"
        for entry in registered.entities
        for state in ICONS["entity"]
        .get(entry.domain, {})
        .get(entry.translation_key, {})
        .get("state", {})
        if state not in states_of(entry)
    }
    assert extra == set()


def test_state_icons_differ_from_the_default() -> None:
    """No state icon repeats the entity's default icon (hassfest rejects that)."""
    repeated = [
        f"{platform}.{key}.state.{state}"
        for platform, keys in ICONS["entity"].items()
        for key, entry in keys.items()
        for state, icon in entry.get("state", {}).items()
        if icon == entry.get("default")
    ]
    assert repeated == []


def test_icons_are_material_design_icons() -> None:
    """Every icon is "mdi:<name>" with a name the frontend's Material Design Icons know."""
    icon_list = hass_frontend.where() / "static" / "mdi" / "iconList.json"
    known = {item["name"] for item in json.loads(icon_list.read_text(encoding="utf-8"))}
    wrong = [
        f"{path}: {icon}"
        for path, icon in flatten(ICONS).items()
        if not isinstance(icon, str)
        or not icon.startswith("mdi:")
        or icon.removeprefix("mdi:") not in known
    ]
    assert wrong == []
