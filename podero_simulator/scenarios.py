"""Scenario builders: the ``demo`` household and the ``fleet`` load-test user."""

from __future__ import annotations

from typing import Any

from . import noise
from .devices.base import Device, DeviceModel
from .devices.electric_vehicle import ElectricVehicle
from .devices.heat_pump import HeatPump
from .devices.inverter import Inverter
from .devices.wallbox import Wallbox
from .ids import stable_uuid
from .people import ChargingSettings, Org, User
from .prices import PriceModel
from .site import Site
from .timeutil import DAY_S, iso_ts
from .weather import Climate
from .world import World

SCENARIOS = ("demo", "fleet")

# Fixed ids so that the demo household is the same in every run, test and screenshot.
ORG_ID = "3f6c1a52-8d0e-4b7a-9c21-5e4d7f8a9b10"
OTHER_ORG_ID = "b2d4e6f8-1a3c-4e5f-8a9b-0c1d2e3f4a5b"
USER_ID = "5a8e2c14-7b3d-4f6a-9e01-2c3d4e5f6a7b"
SECOND_USER_ID = "6b9f3d25-8c4e-4a7b-8f12-3d4e5f6a7b8c"
DELETED_USER_ID = "7cae4e36-9d5f-4b8c-9023-4e5f6a7b8c9d"
OTHER_ORG_USER_ID = "8dbf5f47-ae60-4c9d-a134-5f6a7b8c9dae"
BUILDING_ID = "e5a7c9db-4f6b-4dae-8a5c-7e9f1a3b5c6d"
HEAT_PUMP_ID = "a1c3e5f7-0b2d-4f6a-8c1e-3a5b7c9d1e2f"
EV_ID = "b2d4f6a8-1c3e-4a7b-9d2f-4b6c8d0e2f3a"
INVERTER_ID = "c3e5a7b9-2d4f-4b8c-8e3a-5c7d9e1f3a4b"
WALLBOX_ID = "d4f6b8ca-3e5a-4c9d-9f4b-6d8e0f2a4b5c"

USERNAME = "peter@example.com"
PASSWORD = "podero-demo"

KIND_CLASSES: dict[str, type[Device]] = {
    HeatPump.kind: HeatPump,
    ElectricVehicle.kind: ElectricVehicle,
    Inverter.kind: Inverter,
    Wallbox.kind: Wallbox,
}
KINDS = tuple(KIND_CLASSES)
FLEET_SHARES = {
    "heat-pumps": 0.40,
    "electric-vehicles": 0.25,
    "inverters": 0.20,
    "wallboxes": 0.15,
}
_FLEET_ORDER = ("heat-pumps", "electric-vehicles", "inverters", "wallboxes")

_MODELS: dict[str, list[tuple[str, str, int]]] = {
    "heat-pumps": [
        ("Nibe", "S2125-8", 2022),
        ("Vaillant", "aroTHERM plus 7", 2023),
        ("Daikin", "Altherma 3 H HT", 2021),
    ],
    "electric-vehicles": [
        ("Tesla", "Model 3", 2023),
        ("Volkswagen", "ID.4", 2022),
        ("Hyundai", "Ioniq 5", 2023),
        ("Renault", "Zoe", 2021),
    ],
    "inverters": [
        ("Fronius", "Symo GEN24 10.0 Plus", 2022),
        ("SMA", "Sunny Tripower 8.0", 2021),
        ("Huawei", "SUN2000-10KTL-M1", 2023),
    ],
    "wallboxes": [
        ("Easee", "Home", 2023),
        ("go-e", "Charger Gemini 11", 2022),
        ("Wallbox", "Pulsar Plus", 2022),
    ],
}
_EV_SPECS = {
    "Tesla": (79.5, 7400.0),
    "Volkswagen": (77.0, 11000.0),
    "Hyundai": (72.6, 11000.0),
    "Renault": (52.0, 7400.0),
}


def _model(seed: int, kind: str, index: int) -> DeviceModel:
    options = _MODELS[kind]
    manufacturer, name, year = options[index % len(options)]
    return DeviceModel(
        manufacturer, name, year, stable_uuid(seed, "cloud", manufacturer)
    )


def _people(world: World, t0: float, email: str) -> User:
    world.add_org(Org(ORG_ID, "Podero Simulator Partner"))
    world.add_org(Org(OTHER_ORG_ID, "Another Partner"))
    household = world.add_user(
        User(
            id=USER_ID,
            org_id=ORG_ID,
            email=email,
            first_name="Peter",
            last_name="Schmidt",
            external_user_id="134681893870",
            password=PASSWORD,
            address={
                "street_and_number": "Stephansplatz 1",
                "zip_code": "1010",
                "town": "Wien",
                "country": "AT",
                "latitude": 48.2085,
                "longitude": 16.3721,
                "location_last_updated": iso_ts(t0 - 90 * DAY_S),
            },
            charging=ChargingSettings(mode="hems_and_spot"),
        )
    )
    world.add_user(
        User(
            id=SECOND_USER_ID,
            org_id=ORG_ID,
            email="anna@example.com",
            first_name="Anna",
            last_name="Berger",
        )
    )
    world.add_user(
        User(
            id=DELETED_USER_ID,
            org_id=ORG_ID,
            email="former.tenant@example.com",
            first_name="Former",
            last_name="Tenant",
            deleted_at=iso_ts(t0 - 30 * DAY_S),
        )
    )
    world.add_user(
        User(
            id=OTHER_ORG_USER_ID,
            org_id=OTHER_ORG_ID,
            email="someone@other.example",
            role="admin",
        )
    )
    return household


def vienna(seed: int) -> Climate:
    """Climate of the demo household."""
    return Climate(latitude=48.21, longitude=16.37, tz_name="Europe/Vienna", seed=seed)


def build_demo(seed: int, t0: float, prices: PriceModel) -> World:
    """One Vienna household: heat pump, EV, PV inverter with battery, wallbox."""
    world = World(t0, prices)
    owner = _people(world, t0, USERNAME)
    site = world.add_site(Site(BUILDING_ID, vienna(seed), prices, t0))
    created = t0 - 90 * DAY_S
    common: dict[str, Any] = {
        "owner": owner,
        "price_zone": "AT",
        "building": BUILDING_ID,
        "created_ts": created,
    }
    world.add_device(
        HeatPump(
            device_id=HEAT_PUMP_ID,
            model=_model(seed, "heat-pumps", 0),
            seed=seed + 1,
            **common,
        ),
        site,
    )
    world.add_device(
        ElectricVehicle(
            device_id=EV_ID,
            model=_model(seed, "electric-vehicles", 0),
            seed=seed + 2,
            **common,
        ),
        site,
    )
    world.add_device(
        Inverter(
            device_id=INVERTER_ID,
            model=_model(seed, "inverters", 0),
            seed=seed + 3,
            **common,
        ),
        site,
    )
    world.add_device(
        Wallbox(
            device_id=WALLBOX_ID,
            car_level=76.0,
            model=_model(seed, "wallboxes", 0),
            seed=seed + 4,
            **common,
        ),
        site,
    )
    return world


def fleet_counts(total: int) -> dict[str, int]:
    """Split ``total`` devices over the types: few devices → one of each type first."""
    if total <= len(_FLEET_ORDER):
        return {
            kind: 1 if index < total else 0 for index, kind in enumerate(_FLEET_ORDER)
        }
    exact = {kind: total * share for kind, share in FLEET_SHARES.items()}
    counts = {kind: max(1, int(value)) for kind, value in exact.items()}
    order = sorted(
        _FLEET_ORDER, key=lambda kind: exact[kind] - int(exact[kind]), reverse=True
    )
    index = 0
    while sum(counts.values()) < total:
        counts[order[index % len(order)]] += 1
        index += 1
    return counts


def _fleet_device(
    *, kind: str, index: int, seed: int, t0: float, owner: User, site: Site
) -> Device:
    def unit(salt: int) -> float:
        return noise.unit(seed, noise.text_key(kind), index, salt)

    common: dict[str, Any] = {
        "device_id": stable_uuid(seed, "fleet", kind, index),
        "owner": owner,
        "model": _model(seed, kind, int(unit(1) * 1000)),
        "price_zone": "AT" if unit(2) < 0.7 else "DE_LU",
        "building": site.id,
        "created_ts": t0 - (60 + 60 * unit(3)) * DAY_S,
        "seed": seed * 100_003 + index * 7 + _FLEET_ORDER.index(kind),
    }
    if kind == "heat-pumps":
        device: Device = HeatPump(**common)
        device.settings["optimization_level"] = ("Low", "Mid", "Max")[int(unit(4) * 3)]
        return device
    if kind == "electric-vehicles":
        capacity, rate = _EV_SPECS[common["model"].manufacturer]
        return ElectricVehicle(
            capacity_kwh=capacity,
            rate_w=rate,
            level=20 + 70 * unit(5),
            plugged_in=unit(6) < 0.7,
            **common,
        )
    if kind == "inverters":
        inverter = Inverter(soc=20 + 70 * unit(7), **common)
        inverter.settings["solar_power_rating_kw"] = round(4 + 11 * unit(8), 1)
        if unit(9) < 0.3:
            inverter.settings.update(
                {"battery_capacity_kwh": None, "is_battery_connected": False}
            )
        else:
            inverter.settings["battery_capacity_kwh"] = float(
                (5, 10, 15)[int(unit(10) * 3)]
            )
        return inverter
    return Wallbox(plugged_in=unit(11) < 0.6, car_level=20 + 60 * unit(12), **common)


def build_fleet(seed: int, t0: float, prices: PriceModel, total: int) -> World:
    """``total`` devices for one user, one device of each type per building."""
    world = World(t0, prices)
    owner = _people(world, t0, "fleet@example.com")
    counts = fleet_counts(total)
    sites: list[Site] = []
    for index in range(max(counts.values(), default=0)):
        climate = Climate(
            latitude=46.6 + 2.2 * noise.unit(seed, 200, index),
            longitude=9.7 + 7.2 * noise.unit(seed, 201, index),
            tz_name="Europe/Vienna",
            seed=seed * 1000 + index,
            temp_offset=3.0 * noise.signed(seed, 202, index),
        )
        sites.append(
            world.add_site(Site(stable_uuid(seed, "site", index), climate, prices, t0))
        )
    for kind in _FLEET_ORDER:
        for index in range(counts[kind]):
            device = _fleet_device(
                kind=kind, index=index, seed=seed, t0=t0, owner=owner, site=sites[index]
            )
            # The builder tweaked settings directly: refresh what physics caches.
            device.settings_changed()
            world.add_device(device, sites[index])
    return world


def build(
    scenario: str, seed: int, t0: float, prices: PriceModel, devices: int | None
) -> World:
    """Build a scenario's world."""
    if scenario == "demo":
        return build_demo(seed, t0, prices)
    if scenario == "fleet":
        return build_fleet(seed, t0, prices, 100 if devices is None else devices)
    raise ValueError(
        f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}"
    )


def new_device(
    *,
    kind: str,
    world: World,
    owner: User,
    now: float,
    seed: int,
    index: int,
    site: Site | None,
) -> Device:
    """Create a runtime device (admin API) in the owner's building or a new one."""
    cls = KIND_CLASSES[kind]
    if site is None:
        site = world.add_site(
            Site(
                stable_uuid(seed, "runtime-site", index),
                vienna(seed + index),
                world.prices,
                now,
            )
        )
    device = cls(
        device_id=stable_uuid(seed, "runtime", kind, index),
        owner=owner,
        model=_model(seed, kind, index),
        price_zone="AT",
        building=site.id,
        created_ts=now,
        seed=seed * 7919 + index,
    )
    site.advance(now)
    world.add_device(device, site)
    return device
