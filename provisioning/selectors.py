"""Reads of the coordinator's pages and of the public request form.

Everything a coordinator reads is scoped to the regions they coordinate (a `Scope`,
built once per request), and every fetch by id answers the same 404 for "missing" and
"another region's" — ids cannot be probed. Each selector costs a fixed number of
queries, whatever the number of schools, requests or codes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Case, CharField, Count, Exists, F, Min, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from core.errors import NotFoundForActor
from provisioning.models import ActivationCode, AuditEntry, ConnectionRequest, SchoolSummary
from tenants.models import Municipality, Region, School
from tenants.selectors import school_host


class Stage(models.TextChoices):
    """Where a school is on its way to using Parta, in order."""

    REQUESTED = "requested", _("request received")
    CODE_ISSUED = "code_issued", _("code issued")
    ACTIVATED = "activated", _("activated")
    CONFIGURED = "configured", _("configured")
    IN_USE = "in_use", _("in use")


STAGE_ORDER = {stage: i for i, stage in enumerate(Stage)}


class CodeState(models.TextChoices):
    """A code's status as a coordinator sees it: "expired" is computed from expires_at."""

    ACTIVE = "active", _("active")
    EXPIRED = "expired", _("expired")
    RESERVED = "reserved", _("being used")
    USED = "used", _("used")
    REVOKED = "revoked", _("revoked")


@dataclass(frozen=True)
class Scope:
    """Who is looking and which regions they coordinate."""

    account: Account
    regions: tuple[Region, ...]

    @property
    def region_ids(self) -> list[int]:
        return [r.pk for r in self.regions]


def coordinator_scope(account: Account) -> Scope:
    """The regions an account coordinates (possibly none), in one query."""
    regions: tuple[Region, ...] = ()
    if account.is_authenticated:
        regions = tuple(Region.objects.filter(coordinators__account=account).order_by("name"))
    return Scope(account=account, regions=regions)


# ---- the public form -------------------------------------------------------------


def regions_open_for_requests() -> QuerySet[Region]:
    """Regions that have a coordinator to review requests."""
    return Region.objects.filter(pk__in=Region.objects.filter(coordinators__isnull=False).values("pk"))


def municipalities_of(region_id: int | None) -> QuerySet[Municipality]:
    if not region_id:
        return Municipality.objects.none()
    return Municipality.objects.filter(region_id=region_id).order_by("name")


# ---- municipalities ----------------------------------------------------------------


def municipalities_for(scope: Scope) -> QuerySet[Municipality]:
    return Municipality.objects.filter(region_id__in=scope.region_ids).select_related("region").order_by(
        "region__name", "name"
    )


# ---- connection requests ---------------------------------------------------------------


def connection_requests_for(scope: Scope, *, status: str | None = None) -> QuerySet[ConnectionRequest]:
    requests = (
        ConnectionRequest.objects.filter(region_id__in=scope.region_ids)
        .select_related("region", "municipality", "reviewed_by")
        .annotate(code_count=Count("codes"))
        .order_by("-created_at", "-pk")
    )
    if status:
        requests = requests.filter(status=status)
    return requests


def connection_request_counts(scope: Scope) -> dict[str, int]:
    """How many requests of each status, for the filter tabs; one query."""
    statuses = ConnectionRequest.Status
    return ConnectionRequest.objects.filter(region_id__in=scope.region_ids).aggregate(
        **{s.value: Count("pk", filter=Q(status=s)) for s in statuses}, all=Count("pk")
    )


def new_requests_count(region_ids: list[int]) -> int:
    """Requests waiting for a decision in these regions (the portal home's badge)."""
    return ConnectionRequest.objects.filter(region_id__in=region_ids, status=ConnectionRequest.Status.NEW).count()


def connection_request_get_for(scope: Scope, request_id: int) -> ConnectionRequest:
    found = connection_requests_for(scope).filter(pk=request_id).first()
    if found is None:
        raise NotFoundForActor
    return found


def request_codes(connection_request: ConnectionRequest) -> list[ActivationCode]:
    return code_state_labels(
        _with_state(connection_request.codes.all()).select_related("school", "issued_by").order_by("-issued_at")
    )


def request_history(connection_request: ConnectionRequest) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(target_type="connectionrequest", target_id=str(connection_request.pk))
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def approved_requests_without_code(scope: Scope) -> QuerySet[ConnectionRequest]:
    """Approved requests still waiting for a usable code (the issue form offers them)."""
    usable = ActivationCode.objects.filter(request=OuterRef("pk")).filter(_usable_or_reserved(timezone.now()))
    used = ActivationCode.objects.filter(request=OuterRef("pk"), status=ActivationCode.Status.USED)
    return (
        ConnectionRequest.objects.filter(region_id__in=scope.region_ids, status=ConnectionRequest.Status.APPROVED)
        .exclude(Exists(usable))
        .exclude(Exists(used))
        .select_related("municipality")
        .order_by("short_name")
    )


# ---- activation codes --------------------------------------------------------------


def _usable_or_reserved(now: datetime) -> Q:
    return Q(status=ActivationCode.Status.RESERVED) | Q(status=ActivationCode.Status.ACTIVE, expires_at__gt=now)


def _with_state(codes: QuerySet[ActivationCode]) -> QuerySet[ActivationCode]:
    return codes.annotate(
        state=Case(
            When(status=ActivationCode.Status.ACTIVE, expires_at__lte=timezone.now(), then=Value(CodeState.EXPIRED)),
            default=F("status"),
            output_field=CharField(),
        )
    )


@dataclass(frozen=True)
class CodeFilters:
    """What the code list, the CSV, the print sheet and the PDF are narrowed to."""

    municipality: Municipality | None = None
    state: str = ""
    batch: uuid.UUID | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    query: str = ""

    def as_audit(self) -> dict[str, str]:
        """The filters as plain strings, for the audit log."""
        values = {
            "municipality": self.municipality.name if self.municipality else "",
            "state": self.state,
            "batch": str(self.batch or ""),
            "issued_from": self.issued_from.isoformat() if self.issued_from else "",
            "issued_to": self.issued_to.isoformat() if self.issued_to else "",
            "query": self.query,
        }
        return {k: v for k, v in values.items() if v}


def codes_for(scope: Scope, filters: CodeFilters | None = None) -> QuerySet[ActivationCode]:
    """The codes of the scope's regions with their computed `state`, newest first."""
    filters = filters or CodeFilters()
    codes = _with_state(
        ActivationCode.objects.filter(region_id__in=scope.region_ids).select_related(
            "region", "municipality", "request", "issued_by", "school"
        )
    ).order_by("-issued_at", "code")
    if filters.municipality is not None:
        codes = codes.filter(municipality=filters.municipality)
    if filters.state:
        codes = codes.filter(state=filters.state)
    if filters.batch:
        codes = codes.filter(batch=filters.batch)
    if filters.issued_from:
        codes = codes.filter(issued_at__date__gte=filters.issued_from)
    if filters.issued_to:
        codes = codes.filter(issued_at__date__lte=filters.issued_to)
    if filters.query:
        # Match however the code was typed: without dashes, in any case.
        typed = "".join(ch for ch in filters.query.upper() if ch.isalnum())
        codes = codes.annotate(bare=Replace("code", Value("-"), Value(""))).filter(bare__contains=typed)
    return codes


def code_state_labels(codes: Iterable[ActivationCode]) -> list[ActivationCode]:
    """Attach `state_label` (the computed state, in words) to codes read with their state."""
    codes = list(codes)
    for code in codes:
        code.state_label = CodeState(code.state).label
    return codes


def code_get_for(scope: Scope, code_id: int) -> ActivationCode:
    found = codes_for(scope).filter(pk=code_id).first()
    if found is None:
        raise NotFoundForActor
    return found


def printable_codes(codes: QuerySet[ActivationCode]) -> QuerySet[ActivationCode]:
    """Only codes a school can still use go on paper."""
    return codes.filter(state=CodeState.ACTIVE)


def code_batches_for(scope: Scope, *, limit: int = 50) -> list[dict]:
    """The latest batches (for the filter), with their size and municipality; one query."""
    return list(
        ActivationCode.objects.filter(region_id__in=scope.region_ids)
        .values("batch")
        .annotate(issued=Min("issued_at"), size=Count("pk"), municipality=Min("municipality__name"))
        .order_by("-issued")[:limit]
    )


# ---- audit ----------------------------------------------------------------


def audit_entries_for(scope: Scope, *, action: str = "") -> QuerySet[AuditEntry]:
    entries = (
        AuditEntry.objects.filter(region_id__in=scope.region_ids)
        .select_related("actor", "region")
        .order_by("-created_at", "-pk")
    )
    if action:
        entries = entries.filter(action=action)
    return entries


# ---- the dashboard ---------------------------------------------------------------


@dataclass(frozen=True)
class Adoption:
    """How many of a group have signed in at least once, out of how many there are."""

    active: int
    total: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.active / self.total) if self.total else None

    @property
    def sort_key(self) -> tuple[float, int]:
        return (self.active / self.total if self.total else 0.0, self.active)


@dataclass
class DashboardRow:
    """One school, or one request not yet turned into a school."""

    name: str
    full_name: str
    municipality: str
    stage: Stage
    school: School | None = None
    request: ConnectionRequest | None = None
    summary: SchoolSummary | None = None
    host: str = ""

    def _adoption(self, key: str) -> Adoption | None:
        if self.summary is None:
            return None
        return Adoption(
            active=int(self.summary.accounts_by_role.get(key, 0)),
            total=int(self.summary.people_by_role.get(key, 0)),
        )

    @property
    def staff(self) -> Adoption | None:
        return self._adoption("staff")

    @property
    def teachers(self) -> Adoption | None:
        return self._adoption("teacher")

    @property
    def students(self) -> Adoption | None:
        return self._adoption("student")

    @property
    def parents(self) -> Adoption | None:
        return self._adoption("parent")

    @property
    def teachers_marking(self) -> int | None:
        return self.summary.teachers_marking_7d if self.summary else None

    @property
    def parents_7d(self) -> int | None:
        return self.summary.parents_signed_in_7d if self.summary else None

    @property
    def updated(self) -> datetime | None:
        return self.summary.computed_at if self.summary else None


def _key_or_none(get: Callable[[DashboardRow], object | None]) -> Callable[[DashboardRow], object | None]:
    def key(row: DashboardRow) -> object | None:
        value = get(row)
        return value.sort_key if isinstance(value, Adoption) else value

    return key


# Sortable columns: query parameter → the value sorted on (None sorts last either way).
DASHBOARD_SORTS: dict[str, Callable[[DashboardRow], object | None]] = {
    "school": lambda r: r.name.casefold(),
    "municipality": lambda r: r.municipality.casefold(),
    "stage": lambda r: STAGE_ORDER[r.stage],
    "staff": _key_or_none(lambda r: r.staff),
    "students": _key_or_none(lambda r: r.students),
    "parents": _key_or_none(lambda r: r.parents),
    "teachers_marking": lambda r: r.teachers_marking,
    "parents_7d": lambda r: r.parents_7d,
    "updated": lambda r: r.updated,
}


@dataclass
class FunnelBar:
    stage: Stage
    count: int
    width: float  # percent of the widest bar


@dataclass
class Dashboard:
    rows: list[DashboardRow]
    funnel: list[FunnelBar]
    totals: dict[str, object]
    stale_since: datetime | None  # the oldest summary shown
    codes: dict[str, int] = field(default_factory=dict)


def _stage_of(summary: SchoolSummary | None) -> Stage:
    if summary is None:
        return Stage.ACTIVATED
    if summary.teachers_marking_7d or summary.parents_signed_in_7d:
        return Stage.IN_USE
    if summary.is_configured:
        return Stage.CONFIGURED
    return Stage.ACTIVATED


def _summary_of(school: School) -> SchoolSummary | None:
    try:
        return school.summary  # fetched by select_related: no query, even when missing
    except ObjectDoesNotExist:
        return None


def dashboard_for(scope: Scope, *, sort: str = "school", descending: bool = False, stage: str = "") -> Dashboard:
    """The regional dashboard from summary rows, requests and codes: three queries."""
    now = timezone.now()
    schools = (
        School.objects.filter(region_id__in=scope.region_ids, is_active=True, is_spare=False)
        .exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .select_related("municipality", "summary")
    )
    rows: list[DashboardRow] = []
    for school in schools:
        summary = _summary_of(school)
        rows.append(DashboardRow(
            name=school.short_name or school.name, full_name=school.name,
            municipality=school.municipality.name if school.municipality else "",
            stage=_stage_of(summary), school=school, summary=summary, host=school_host(school),
        ))

    usable = ActivationCode.objects.filter(request=OuterRef("pk")).filter(_usable_or_reserved(now))
    used = ActivationCode.objects.filter(request=OuterRef("pk"), status=ActivationCode.Status.USED)
    pending = (
        ConnectionRequest.objects.filter(
            region_id__in=scope.region_ids,
            status__in=[ConnectionRequest.Status.NEW, ConnectionRequest.Status.APPROVED],
        )
        .annotate(has_code=Exists(usable))
        .exclude(Exists(used))  # its school exists and has its own row
        .select_related("municipality")
    )
    pending_requested = 0
    for connection_request in pending:
        if not connection_request.has_code:
            pending_requested += 1
        rows.append(DashboardRow(
            name=connection_request.short_name, full_name=connection_request.full_name,
            municipality=connection_request.municipality.name,
            stage=Stage.CODE_ISSUED if connection_request.has_code else Stage.REQUESTED,
            request=connection_request,
        ))

    codes = ActivationCode.objects.filter(region_id__in=scope.region_ids).aggregate(
        out=Count("pk", filter=_usable_or_reserved(now)),
        expired=Count("pk", filter=Q(status=ActivationCode.Status.ACTIVE, expires_at__lte=now)),
        used=Count("pk", filter=Q(status=ActivationCode.Status.USED)),
    )

    # The funnel counts what is at each stage now. Every code out counts as a school on
    # its way (batch codes handed to a municipality are not tied to any request).
    at_stage = {s: 0 for s in Stage}
    at_stage[Stage.REQUESTED] = pending_requested
    at_stage[Stage.CODE_ISSUED] = codes["out"]
    for row in rows:
        if row.school is not None:
            at_stage[row.stage] += 1
    widest = max(at_stage.values()) or 1
    funnel = [FunnelBar(stage=s, count=n, width=round(100 * n / widest, 1)) for s, n in at_stage.items()]

    school_rows = [r for r in rows if r.school is not None]
    summaries = [r.summary for r in school_rows if r.summary is not None]
    totals: dict[str, object] = {
        "schools": len(school_rows),
        "pending": len(rows) - len(school_rows),
        "staff": _sum_adoption(r.staff for r in school_rows),
        "teachers": _sum_adoption(r.teachers for r in school_rows),
        "students": _sum_adoption(r.students for r in school_rows),
        "parents": _sum_adoption(r.parents for r in school_rows),
        "teachers_marking": sum(s.teachers_marking_7d for s in summaries),
        "parents_7d": sum(s.parents_signed_in_7d for s in summaries),
    }

    if stage:
        rows = [r for r in rows if r.stage == stage]
    rows = _sorted_rows(rows, sort=sort, descending=descending)
    stale_since = min((s.computed_at for s in summaries), default=None)
    return Dashboard(rows=rows, funnel=funnel, totals=totals, stale_since=stale_since, codes=codes)


def _sum_adoption(values) -> Adoption:
    present = [v for v in values if v is not None]
    return Adoption(active=sum(v.active for v in present), total=sum(v.total for v in present))


def _sorted_rows(rows: list[DashboardRow], *, sort: str, descending: bool) -> list[DashboardRow]:
    key = DASHBOARD_SORTS.get(sort, DASHBOARD_SORTS["school"])
    # Ties keep a stable, readable order: by name first, then by the chosen column.
    rows = sorted(rows, key=lambda r: r.name.casefold())
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    return sorted(present, key=key, reverse=descending) + missing
