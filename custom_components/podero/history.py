"""Energy history: Podero's 15-minute series as long-term statistics, plus sessions and savings.

Once an hour (the first time a minute after setup) each heat pump, EV and inverter's time series is read
with one request and imported into the recorder as hourly external statistics
(`podero:<device>_<series>`), ready for the Energy dashboard. The first import backfills a
configurable window; later imports start a few hours before the last imported hour, so late
corrections by Podero replace what was imported before. Statistics are cumulative sums in UTC
hours, so days with a clock change simply have 23 or 25 rows in local time.

The same job reads what entities show besides the device list: the EV's current and last
charging session and each device's savings this month. An EV's current session is also read
when it is plugged in or out, or starts or stops charging.
"""

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    get_last_statistics,
    statistics_during_period,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import EnergyConverter

from .api import (
    Device,
    DeviceKind,
    ElectricVehicle,
    HeatPump,
    PoderoError,
    PoderoRateLimitError,
    SolarInverter,
)
from .const import (
    DEFAULT_BACKFILL,
    DOMAIN,
    HISTORY_FIRST_RUN,
    HISTORY_INTERVAL,
    HISTORY_PARALLEL_DEVICES,
    HISTORY_REIMPORT,
    LOGGER,
)
from .coordinator import PoderoCoordinator
from .data import DeviceEnergy
from .naming import device_display_name

STORAGE_VERSION = 1
EUR = "EUR"
_HOUR = timedelta(hours=1)
# A Podero period value is Wh (consumption fields) or average W over 15 minutes.
_QUARTER_H = 0.25

type Values = Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Series:
    """One statistic of a device: how to get its amount (kWh or EUR) from a 15-min point."""

    key: str
    name: str
    unit: str
    amount: Callable[[Values], float | None]


def _wh(field: str) -> Callable[[Values], float | None]:
    """Energy field reported in Wh per period -> kWh."""
    return lambda values: values[field] / 1000 if field in values else None


def _mean_w(field: str, sign: int = 1) -> Callable[[Values], float | None]:
    """Average-power field -> kWh of its positive (or, with sign -1, negative) part.

    Import and export (charge and discharge) are split per 15-minute period: within one
    period only the net flow is known.
    """
    return lambda values: (
        max(sign * values[field], 0.0) * _QUARTER_H / 1000 if field in values else None
    )


def _priced(kwh: Callable[[Values], float | None]) -> Callable[[Values], float | None]:
    """Cost in EUR of an energy amount at the period's spot price (EUR/MWh)."""

    def amount(values: Values) -> float | None:
        energy = kwh(values)
        price = values.get("price")
        return None if energy is None or price is None else energy * price / 1000

    return amount


def _saved(values: Values) -> float | None:
    """Price what optimisation saved in a period (unoptimised minus actual consumption)."""
    if (
        not {"unoptimized_consumption", "estimated_consumption", "price"}
        <= values.keys()
    ):
        return None
    shifted_wh = values["unoptimized_consumption"] - values["estimated_consumption"]
    return shifted_wh / 1000 * values["price"] / 1000


_CONSUMED = _wh("estimated_consumption")
_GRID_IMPORT = _mean_w("export_power_to_grid_w", -1)

SERIES: Mapping[DeviceKind, tuple[Series, ...]] = {
    DeviceKind.HEAT_PUMP: (
        Series("consumption", "consumption", UnitOfEnergy.KILO_WATT_HOUR, _CONSUMED),
        Series("cost", "cost", EUR, _priced(_CONSUMED)),
        Series("savings", "savings", EUR, _saved),
    ),
    DeviceKind.ELECTRIC_VEHICLE: (
        Series(
            "charged_energy", "charged energy", UnitOfEnergy.KILO_WATT_HOUR, _CONSUMED
        ),
        Series("cost", "charging cost", EUR, _priced(_CONSUMED)),
        Series("savings", "savings", EUR, _saved),
    ),
    DeviceKind.SOLAR_INVERTER: (
        Series(
            "solar_production",
            "solar production",
            UnitOfEnergy.KILO_WATT_HOUR,
            _mean_w("solar_production_w"),
        ),
        Series("grid_import", "grid import", UnitOfEnergy.KILO_WATT_HOUR, _GRID_IMPORT),
        Series(
            "grid_export",
            "grid export",
            UnitOfEnergy.KILO_WATT_HOUR,
            _mean_w("export_power_to_grid_w"),
        ),
        Series(
            "household_consumption",
            "household consumption",
            UnitOfEnergy.KILO_WATT_HOUR,
            _mean_w("household_consumption_w"),
        ),
        Series(
            "battery_charge",
            "battery charge",
            UnitOfEnergy.KILO_WATT_HOUR,
            _mean_w("battery_charge_discharge_power_w", -1),
        ),
        Series(
            "battery_discharge",
            "battery discharge",
            UnitOfEnergy.KILO_WATT_HOUR,
            _mean_w("battery_charge_discharge_power_w"),
        ),
        Series("grid_cost", "grid cost", EUR, _priced(_GRID_IMPORT)),
    ),
}
MODELS: Mapping[DeviceKind, type[HeatPump | ElectricVehicle | SolarInverter]] = {
    DeviceKind.HEAT_PUMP: HeatPump,
    DeviceKind.ELECTRIC_VEHICLE: ElectricVehicle,
    DeviceKind.SOLAR_INVERTER: SolarInverter,
}


def statistic_id(device_id: str, series: str) -> str:
    """Return the external statistic id of one series of one device."""
    return f"{DOMAIN}:{device_id.replace('-', '_').lower()}_{series}"


def hourly_amounts(
    points: Iterable[Any], series: Iterable[Series]
) -> dict[str, dict[datetime, float]]:
    """Sum each series' 15-minute amounts into UTC hours; empty periods leave no hour."""
    hours: dict[str, dict[datetime, float]] = {entry.key: {} for entry in series}
    for point in points:
        hour = point.time.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        for entry in series:
            amount = entry.amount(point.values)
            if amount is not None:
                per_hour = hours[entry.key]
                per_hour[hour] = per_hour.get(hour, 0.0) + amount
    return hours


def _month_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


class EnergyHistory:
    """Imports statistics and reads sessions and savings for one config entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        coordinator: PoderoCoordinator,
        backfill: timedelta = DEFAULT_BACKFILL,
    ) -> None:
        """Prepare the job; `async_start` schedules it."""
        self._hass = hass
        self._entry_id = entry_id
        self._coordinator = coordinator
        self._backfill = backfill
        self._store: Store[dict[str, list[str]]] = Store(
            hass, STORAGE_VERSION, storage_key(entry_id)
        )
        self._statistic_ids: set[str] = set()
        self._saved_ids: set[str] = set()
        self._unsubscribe: list[CALLBACK_TYPE] = []
        self._charging_states: dict[str, tuple[bool | None, bool | None]] = {}
        self._failing: set[str] = set()
        self._lock = asyncio.Lock()

    @property
    def records_statistics(self) -> bool:
        """Whether the recorder is there to take statistics."""
        return "recorder" in self._hass.config.components

    async def async_start(self) -> None:
        """Load what was imported before; import a minute from now, then hourly."""
        stored = await self._store.async_load() or {}
        self._statistic_ids = set(stored.get("statistic_ids", []))
        self._saved_ids = set(self._statistic_ids)
        self._unsubscribe.append(
            async_track_time_interval(
                self._hass,
                self._run_due,
                HISTORY_INTERVAL,
                name=f"{DOMAIN} energy history",
            )
        )
        self._unsubscribe.append(
            self._coordinator.async_add_listener(self._check_sessions)
        )
        # Not at once: Home Assistant is busy starting, and a backfill can wait a minute.
        self._unsubscribe.append(
            async_call_later(self._hass, HISTORY_FIRST_RUN, self._run_due)
        )

    @callback
    def async_stop(self) -> None:
        """Stop the schedule (the entry unloads)."""
        while self._unsubscribe:
            self._unsubscribe.pop()()

    @callback
    def _run_due(self, _now: datetime) -> None:
        self._coordinator.config_entry.async_create_background_task(
            self._hass, self.async_run(), f"{DOMAIN} energy history"
        )

    async def async_run(self) -> None:
        """Run one import cycle over every device that has a history."""
        async with self._lock:
            now = dt_util.utcnow()
            devices = [
                device
                for kind in MODELS
                for device in self._coordinator.data.devices.get(kind, {}).values()
            ]
            limit = asyncio.Semaphore(HISTORY_PARALLEL_DEVICES)

            async def one(device: Device) -> DeviceEnergy | None:
                async with limit:
                    return await self._device_cycle(device, now)

            energies = await asyncio.gather(*(one(device) for device in devices))
            self._coordinator.async_set_energy(
                {
                    device.id: energy
                    for device, energy in zip(devices, energies, strict=True)
                    if energy is not None
                }
            )
            if self._statistic_ids != set(
                (await self._store.async_load() or {}).get("statistic_ids", [])
            ):
                await self._store.async_save(
                    {"statistic_ids": sorted(self._statistic_ids)}
                )

    async def _device_cycle(self, device: Device, now: datetime) -> DeviceEnergy | None:
        """Import one device's statistics; its sessions and savings, None if unreadable."""
        try:
            if self.records_statistics:
                await self._import_statistics(device, now)
            energy = await self._read_energy(device, now)
        except PoderoError as err:
            if device.id not in self._failing:
                self._failing.add(device.id)
                level = "debug" if isinstance(err, PoderoRateLimitError) else "warning"
                getattr(LOGGER, level)(
                    "Reading the energy history of %s failed: %s", device.id, err
                )
            return None
        if device.id in self._failing:
            self._failing.discard(device.id)
            LOGGER.info("Reading the energy history of %s recovered", device.id)
        return energy

    # --- statistics -------------------------------------------------------------------------

    async def _import_statistics(self, device: Device, now: datetime) -> None:
        series = SERIES[device.kind]
        ids = {entry.key: statistic_id(device.id, entry.key) for entry in series}
        end = now.replace(minute=0, second=0, microsecond=0)
        start, sums = await self._resume_point(list(ids.values()), end)
        if start >= end:
            return
        points = await self._coordinator.client.get_time_series(
            MODELS[device.kind], device.id, start, end
        )
        hours = hourly_amounts(points, series)
        name = device_display_name(self._hass, self._entry_id, device)
        for entry in series:
            total = sums.get(ids[entry.key], 0.0)
            rows: list[StatisticData] = []
            for hour in sorted(hours[entry.key]):
                amount = hours[entry.key][hour]
                total += amount
                rows.append(StatisticData(start=hour, state=amount, sum=total))
            if not rows:
                continue
            metadata = StatisticMetaData(
                mean_type=StatisticMeanType.NONE,
                has_sum=True,
                name=f"{name} {entry.name}",
                source=DOMAIN,
                statistic_id=ids[entry.key],
                unit_class=EnergyConverter.UNIT_CLASS if entry.unit != EUR else None,
                unit_of_measurement=entry.unit,
            )
            async_add_external_statistics(self._hass, metadata, rows)
            self._statistic_ids.add(ids[entry.key])

    async def _resume_point(
        self, ids: list[str], end: datetime
    ) -> tuple[datetime, dict[str, float]]:
        """Where to (re)start importing, and each series' running sum just before that."""
        recorder = get_instance(self._hass)
        last = await recorder.async_add_executor_job(
            get_last_statistics, self._hass, 1, ids[0], False, {"sum"}
        )
        rows = last.get(ids[0])
        if not rows:
            return end - self._backfill, {}
        last_hour = dt_util.utc_from_timestamp(rows[0]["start"])
        start = min(last_hour + _HOUR - HISTORY_REIMPORT, end)
        before = await recorder.async_add_executor_job(
            partial(
                statistics_during_period,
                self._hass,
                start - self._backfill,
                start,
                set(ids),
                "hour",
                None,
                {"sum"},
            )
        )
        sums = {
            statistic: float(stat_rows[-1]["sum"] or 0.0)
            for statistic, stat_rows in before.items()
            if stat_rows
        }
        return start, sums

    # --- sessions and savings ---------------------------------------------------------------

    async def _read_energy(self, device: Device, now: datetime) -> DeviceEnergy:
        client = self._coordinator.client
        month_start = _month_start(now)
        savings = await client.get_savings(
            MODELS[device.kind], device.id, month_start, now
        )
        total = next(
            (
                period.savings_total
                for period in savings
                if period.savings_total is not None
            ),
            None,
        )
        current = last = None
        if device.kind is DeviceKind.ELECTRIC_VEHICLE:
            current = await client.get_current_session(device.id)
            page = await client.list_sessions(
                device.id, (now - timedelta(days=31)).date(), now.date(), limit=1
            )
            last = next(
                (item for item in page.items if item.unplug_time is not None), None
            )
        return DeviceEnergy(
            current_session=current,
            last_session=last,
            savings_this_month=total,
            month_start=month_start,
        )

    @callback
    def _check_sessions(self) -> None:
        """Read an EV's current session when it is plugged in or out, or starts or stops."""
        for device in self._coordinator.data.devices.get(
            DeviceKind.ELECTRIC_VEHICLE, {}
        ).values():
            if not isinstance(device, ElectricVehicle):
                continue
            state = (device.is_plugged_in, device.is_charging)
            previous = self._charging_states.get(device.id)
            self._charging_states[device.id] = state
            if previous is not None and previous != state:
                self._coordinator.config_entry.async_create_background_task(
                    self._hass,
                    self._refresh_session(device.id),
                    f"{DOMAIN} session {device.id}",
                )

    async def _refresh_session(self, vehicle_id: str) -> None:
        try:
            session = await self._coordinator.client.get_current_session(vehicle_id)
        except PoderoError as err:
            LOGGER.debug(
                "Reading the charging session of %s failed: %s", vehicle_id, err
            )
            return
        known = self._coordinator.data.energy.get(vehicle_id, DeviceEnergy())
        self._coordinator.async_set_energy(
            {
                vehicle_id: DeviceEnergy(
                    current_session=session,
                    last_session=known.last_session,
                    savings_this_month=known.savings_this_month,
                    month_start=known.month_start,
                )
            }
        )


def storage_key(entry_id: str) -> str:
    """Name of the Store listing the statistics one config entry imported."""
    return f"{DOMAIN}.{entry_id}.statistics"


async def async_remove_statistics(hass: HomeAssistant, entry_id: str) -> None:
    """Delete the statistics a (removed) config entry imported, and their list."""
    store: Store[dict[str, list[str]]] = Store(
        hass, STORAGE_VERSION, storage_key(entry_id)
    )
    stored = await store.async_load() or {}
    ids = stored.get("statistic_ids", [])
    if ids and "recorder" in hass.config.components:
        get_instance(hass).async_clear_statistics(list(ids))
    await store.async_remove()
