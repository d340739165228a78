"""The network report (``{stem}_network.json``): its model and its builder.

A route network checked against the airspace and against itself, with a layer assignment
separating conflicting uncrewed routes by altitude (fields also listed in
docs/user_guide.md, "Reports"). Lengths are rounded to 0.1 m, positions of conflicts to
1e-6 degree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from lowalt.outputs.reports import SCHEMA_VERSION
from lowalt.outputs.reports._base import (
    Count,
    LonLat,
    NonNegative,
    Positive,
    ProvenanceValue,
    Report,
    ReportModel,
    ScenarioRef,
    Version,
    version_field,
)

if TYPE_CHECKING:
    from lowalt.studies.network import NetworkResult

__all__ = ["HEIGHT_LIMIT_NOTE", "NetworkReport", "build_network_report"]

HEIGHT_LIMIT_NOTE = (
    "uncrewed routes whose band reaches above the limit fly in controlled airspace and need "
    "authorization (Interim Regulations art. 19)"
)
"""What flying above the true-height limit means (``above_true_height_limit.note``)."""

RouteId = Annotated[str, Field(description="Route id.")]

Band = Annotated[
    tuple[
        Annotated[float, Field(ge=0, description="Lower, m AGL.")],
        Annotated[float, Field(ge=0, description="Upper, m AGL.")],
    ],
    Field(description="[lower, upper], m above ground."),
]
"""An altitude band ``[lower, upper]``, m above ground."""

RouteCount = Annotated[int, Field(ge=0, description="Routes.")]


# --- models ------------------------------------------------------------------------------------


class ReportedCount(ReportModel):
    """A reported count checked against the data."""

    what: str = Field(description="A route type or status.")
    reported: Count = Field(description="The count reported (from the scenario).")
    in_data: Count = Field(description="The count in the route file.")
    match: bool = Field(description="Whether they agree.")


class NetworkStats(ReportModel):
    """Network statistics."""

    n_routes: Count = Field(description="Routes.")
    by_type: dict[str, RouteCount] = Field(
        description="Routes by type (e.g. passenger, cargo, monitoring)."
    )
    by_status: dict[str, RouteCount] = Field(
        description="Routes by status (e.g. open, in_progress)."
    )
    by_profile: dict[str, RouteCount] = Field(description="Routes by aircraft profile id.")
    by_type_status: dict[str, RouteCount] = Field(description="Routes by 'type/status'.")
    total_length_km: NonNegative = Field(description="Summed track length, km.")
    length_km_by_type: dict[str, Annotated[float, Field(ge=0, description="Length, km.")]] = Field(
        description="Summed track length by route type, km."
    )
    crossings: Count = Field(
        description="Route pairs whose tracks cross other than at a shared end."
    )
    conflicts: Count = Field(description="Route pairs in conflict (see conflicts).")


class AirspaceFinding(ReportModel):
    """A route whose corridor reaches into an airspace zone."""

    route: RouteId
    zone: str = Field(description="Zone name.")
    restriction: Literal["prohibited", "authorization_required", "conditional"] = Field(
        description="The zone's ED-269 restriction."
    )
    conflict: bool = Field(
        description="Whether the track is inside the zone within its altitude band."
    )
    inside_length_m: NonNegative = Field(description="Track length inside the zone, m.")
    penetration_m: NonNegative = Field(
        description="Deepest point of the track inside the zone, m from its boundary."
    )
    vertical_overlap_m: float = Field(
        description="Overlap of the flown band with the zone's band, m (<= 0: vertical "
        "clearance, negated)."
    )
    entry_lonlat: LonLat | None = Field(
        description="Where the track first enters the zone, [lon, lat], degrees WGS84; null when "
        "the track stays outside."
    )
    at_endpoint: bool = Field(description="Whether the zone contains an end of the route.")


class RouteConflict(ReportModel):
    """Two routes whose corridors overlap and whose altitude bands overlap."""

    a: RouteId
    b: RouteId
    overlap_area_m2: NonNegative = Field(description="Area where the corridors overlap, m².")
    location_lonlat: LonLat = Field(
        description="A point of the overlap, [lon, lat], degrees WGS84."
    )
    tracks_cross: bool = Field(description="Whether the tracks themselves cross.")
    vertical_overlap_m: NonNegative = Field(description="Overlap of the two altitude bands, m.")


class LayerAssignment(ReportModel):
    """The CP-SAT assignment of the layered uncrewed routes to altitude layers."""

    routes: tuple[RouteId, ...] = Field(description="Routes layered (uncrewed, within the band).")
    layer_height_m: Positive = Field(description="Height of one layer, m.")
    band_m: Band = Field(description="The layered band [lower, upper], m above ground.")
    n_layers: Count = Field(description="Layers used.")
    lower_bound: Count = Field(description="Proven minimum number of layers.")
    n_available: Count = Field(description="Layers that fit in the band.")
    status: Literal["OPTIMAL", "FEASIBLE"] = Field(
        description="'OPTIMAL' when both the layer count and the displacement are proven optimal."
    )
    displacement_m: NonNegative = Field(
        description="Summed |layer centre - current band centre| change, m."
    )
    assignment: dict[str, Band] = Field(description="The band given to each route id.")


class HighRoute(ReportModel):
    """One route above the limit."""

    route: RouteId
    upper_m: NonNegative = Field(description="Top of its band, m AGL.")
    profile: str = Field(description="Aircraft profile id (may be empty).")


class AboveHeightLimit(ReportModel):
    """Uncrewed routes whose band reaches above the true-height limit."""

    limit_m: Positive = Field(description="The limit, m above ground.")
    note: str = Field(description="What flying above it means.")
    routes: tuple[HighRoute, ...] = Field(description="The routes.")


class NetworkReport(Report):
    """A route network checked against the airspace and against itself.

    A layer assignment separates conflicting uncrewed routes by altitude.
    """

    model_config = ConfigDict(
        title="lowalt network report",
        json_schema_extra={
            "if": {"properties": {"layers": {"type": "null"}}},
            "then": {"properties": {"layering_error": {"type": "string"}}},
            "else": {"properties": {"layering_error": {"type": "null"}}},
        },
    )
    report_kind = "network"

    report_schema_version: Version = version_field()
    scenario: ScenarioRef = Field(description="The scenario this report answers.")
    routes: Count = Field(description="Routes in the network.")
    provenance: tuple[ProvenanceValue, ...] = Field(description="Of the routes (sorted, distinct).")
    reported_counts: tuple[ReportedCount, ...] = Field(
        description="Reported counts (sorted by what)."
    )
    stats: NetworkStats = Field(description="Network statistics.")
    airspace: tuple[AirspaceFinding, ...] = Field(description="Routes meeting airspace zones.")
    conflicts: tuple[RouteConflict, ...] = Field(description="Route pairs in conflict.")
    layers: LayerAssignment | None = Field(
        description="The layer assignment; null when none was found."
    )
    layering_error: str | None = Field(
        description="Why no layer assignment was found; null when one was."
    )
    above_true_height_limit: AboveHeightLimit = Field(
        description="Uncrewed routes whose band reaches above the true-height limit."
    )

    @model_validator(mode="after")
    def _layers_or_error(self) -> NetworkReport:
        """Either a layer assignment or the reason there is none."""
        if (self.layers is None) == (self.layering_error is None):
            raise ValueError("exactly one of layers and layering_error")
        return self


# --- builder -----------------------------------------------------------------------------------


def build_network_report(res: NetworkResult) -> NetworkReport:
    """Build the network report of a network study.

    Parameters
    ----------
    res
        The network study (:func:`lowalt.studies.network.run_network`).

    Returns
    -------
    NetworkReport
        The report; ``.to_json()`` gives the file's text.
    """
    from lowalt.studies.network import _crewed

    s = res.scenario
    n = s.network
    assert n is not None
    counts: dict[str, int] = {}
    for r in res.routes:
        for key in (r.type, r.status):
            counts[key] = counts.get(key, 0) + 1
    a = res.assignment
    ceiling = s.airspace.max_true_height_m
    layers = None
    if a is not None:
        layers = LayerAssignment(
            routes=tuple(res.layered),
            layer_height_m=n.layer_height_m,
            band_m=(n.band_min_m, n.band_max_m),
            n_layers=a.n_layers,
            lower_bound=a.layers_lower_bound,
            n_available=a.n_available,
            status=a.status,  # type: ignore[arg-type]  # "OPTIMAL" or "FEASIBLE"
            displacement_m=round(a.displacement_m, 1),
            assignment={k: (v[0], v[1]) for k, v in sorted(a.bands.items())},
        )
    return NetworkReport(
        report_schema_version=SCHEMA_VERSION,
        scenario=ScenarioRef(name=s.name, file=s.path.name if s.path else None),
        routes=len(res.routes),
        provenance=tuple(sorted({r.provenance for r in res.routes})),
        reported_counts=tuple(
            ReportedCount(what=k, reported=v, in_data=counts.get(k, 0), match=counts.get(k, 0) == v)
            for k, v in sorted(n.reported_counts.items())
        ),
        stats=NetworkStats(**res.stats),
        airspace=tuple(
            AirspaceFinding(
                route=f.route_id,
                zone=f.crossing.zone,
                restriction=f.crossing.restriction,  # type: ignore[arg-type]  # ED-269 values
                conflict=f.conflict,
                inside_length_m=round(f.crossing.inside_length_m, 1),
                penetration_m=round(f.crossing.penetration_m, 1),
                vertical_overlap_m=round(f.crossing.vertical_overlap_m, 1),
                entry_lonlat=(
                    (f.crossing.entry_lonlat[0], f.crossing.entry_lonlat[1])
                    if f.crossing.entry_lonlat is not None
                    else None
                ),
                at_endpoint=f.crossing.at_endpoint,
            )
            for f in res.findings
        ),
        conflicts=tuple(
            RouteConflict(
                a=c.a,
                b=c.b,
                overlap_area_m2=round(c.overlap_area_m2, 1),
                location_lonlat=(round(c.location_lonlat[0], 6), round(c.location_lonlat[1], 6)),
                tracks_cross=c.tracks_cross,
                vertical_overlap_m=round(c.vertical_overlap_m, 1),
            )
            for c in res.conflicts
        ),
        layers=layers,
        layering_error=res.layering_error,
        above_true_height_limit=AboveHeightLimit(
            limit_m=ceiling,
            note=HEIGHT_LIMIT_NOTE,
            routes=tuple(
                HighRoute(route=r.id, upper_m=r.upper_m, profile=r.profile)
                for r in res.routes
                if not _crewed(r) and r.upper_m > ceiling
            ),
        ),
    )
