"""Activation codes on the coordinator's side: issue one or a batch, list and filter
(with "expired" computed), revoke one or a batch, export to CSV, print, PDF — each
action in the audit log, and the list at a constant number of queries."""

from __future__ import annotations

import csv
import io
import math
import re
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from provisioning import codes as code_format
from provisioning.models import ActivationCode, AuditEntry, ConnectionRequest
from provisioning.services import codes as services
from tests.conftest import client_for

PORTAL = "parta.localhost"
CODE_RE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}(-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}){4}$")


def _later(days: int = 60):
    return timezone.now() + timedelta(days=days)


def _issue(actor, municipality, count: int = 1, **kw) -> list[ActivationCode]:
    return services.code_issue_batch(actor=actor, municipality=municipality, count=count,
                                     expires_at=kw.pop("expires_at", _later()), **kw)


# ---- issuing -------------------------------------------------------------------------


def test_a_code_is_grouped_without_look_alikes_and_carries_over_80_bits(coordinator, kaluga):
    (code,) = _issue(coordinator, kaluga)
    assert CODE_RE.match(code.code), code.code
    assert not set("01OIL") & set(code.code)
    symbols = len(code.code.replace("-", ""))
    bits = symbols * math.log2(len(code_format.ALPHABET))
    assert bits >= 80, bits
    assert code.status == "active"
    assert code.region_id == kaluga.region_id
    assert code.issued_by == coordinator


def test_a_batch_of_500_is_unique_and_shares_one_batch_id(coordinator, kaluga):
    codes = _issue(coordinator, kaluga, count=500, ip="192.0.2.44")
    assert len(codes) == 500
    assert len({c.code for c in codes}) == 500
    assert {c.batch for c in codes} == {codes[0].batch}
    assert ActivationCode.objects.filter(batch=codes[0].batch).count() == 500
    entry = AuditEntry.objects.get(action="code.issue", data__batch=str(codes[0].batch))
    assert entry.actor == coordinator
    assert entry.region_id == kaluga.region_id
    assert entry.data["count"] == 500
    assert entry.ip_address == "192.0.2.44"


@pytest.mark.parametrize("count", [0, 501])
def test_batch_size_is_1_to_500(coordinator, kaluga, count):
    before = ActivationCode.objects.count()
    with pytest.raises(ValidationError) as error:
        _issue(coordinator, kaluga, count=count)
    assert error.value.code == "count_out_of_range"
    assert ActivationCode.objects.count() == before


def test_expiry_must_be_in_the_future(coordinator, kaluga):
    with pytest.raises(ValidationError) as error:
        _issue(coordinator, kaluga, expires_at=timezone.now() - timedelta(seconds=1))
    assert error.value.code == "expiry_in_past"


def test_a_generated_clash_with_an_existing_code_is_replaced(coordinator, kaluga, monkeypatch):
    (existing,) = _issue(coordinator, kaluga)
    fresh = iter([existing.code, existing.code, "AAAA-BBBB-CCCC-DDDD-EEEE", "FFFF-GGGG-HHHH-JJJJ-KKKK"])
    monkeypatch.setattr(services, "code_generate", lambda: next(fresh))
    codes = _issue(coordinator, kaluga, count=2)
    assert sorted(c.code for c in codes) == ["AAAA-BBBB-CCCC-DDDD-EEEE", "FFFF-GGGG-HHHH-JJJJ-KKKK"]
    assert ActivationCode.objects.filter(code=existing.code).count() == 1


def test_codes_only_for_the_coordinators_region(outsider, tula, coordinator, kaluga):
    with pytest.raises(PermissionDenied):
        _issue(outsider, kaluga)
    with pytest.raises(PermissionDenied):
        _issue(coordinator, tula)
    assert not ActivationCode.objects.filter(municipality__in=[kaluga, tula], issued_by__in=[outsider]).exists()


def test_issue_page_issues_a_batch_and_shows_it(coordinator, kaluga):
    client = client_for(PORTAL, coordinator)
    form = client.get("/coordinator/codes/issue/").content.decode()
    assert "Выпустить коды активации" in form
    response = client.post("/coordinator/codes/issue/", {
        "municipality": kaluga.pk, "count": 3,
        "expires_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
    })
    assert response.status_code == 302
    batch = response["Location"].split("batch=")[1]
    codes = ActivationCode.objects.filter(batch=batch)
    assert codes.count() == 3
    assert {timezone.localdate(c.expires_at) for c in codes} == {timezone.localdate() + timedelta(days=20)}
    page = client.get(response["Location"]).content.decode()
    for code in codes:
        assert code.code in page
    assert "Выпущено 3 кода активации." in page
    assert "Найдено 3 кода" in page


def test_issue_form_refuses_other_regions_and_bad_values(coordinator, kaluga, tula):
    client = client_for(PORTAL, coordinator)
    before = ActivationCode.objects.count()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    for data, message in [
        ({"municipality": tula.pk, "count": 1, "expires_on": tomorrow}, "Выберите муниципалитет из списка"),
        ({"municipality": kaluga.pk, "count": 501, "expires_on": tomorrow}, "Не больше 500 кодов"),
        ({"municipality": kaluga.pk, "count": 0, "expires_on": tomorrow}, "Хотя бы один код"),
        ({"municipality": kaluga.pk, "count": 1, "expires_on": "2001-01-01"}, "Эта дата уже прошла"),
    ]:
        response = client.post("/coordinator/codes/issue/", data)
        assert response.status_code == 400
        assert message in response.content.decode(), message
    assert ActivationCode.objects.count() == before


def test_a_code_can_be_tied_to_an_approved_request(coordinator, region, kaluga):
    item = ConnectionRequest.objects.create(
        full_name="Школа № 11", short_name="СОШ № 11", region=region, municipality=kaluga, address="—",
        inn="4029003019", ogrn="1024000003015", contact_name="—", email="s11@example.ru", phone="+79120000011",
        status="approved",
    )
    client = client_for(PORTAL, coordinator)
    assert "СОШ № 11" in client.get("/coordinator/codes/issue/").content.decode()
    response = client.post("/coordinator/codes/issue/", {
        "municipality": kaluga.pk, "count": 1, "request": item.pk,
        "expires_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
    })
    assert response.status_code == 302
    assert item.codes.count() == 1


# ---- the list ------------------------------------------------------------------------


def test_an_expired_code_is_shown_and_filtered_as_expired(coordinator, kaluga):
    (fresh,) = _issue(coordinator, kaluga)
    (old,) = _issue(coordinator, kaluga)
    ActivationCode.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client = client_for(PORTAL, coordinator)
    expired = client.get("/coordinator/codes/?state=expired").content.decode()
    assert old.code in expired
    assert fresh.code not in expired
    assert "просрочен" in expired
    active = client.get("/coordinator/codes/?state=active").content.decode()
    assert fresh.code in active
    assert old.code not in active


def test_filters_by_municipality_batch_date_and_code(coordinator, kaluga, obninsk):
    kaluga_codes = _issue(coordinator, kaluga, count=2)
    (obninsk_code,) = _issue(coordinator, obninsk)
    ActivationCode.objects.filter(pk=obninsk_code.pk).update(issued_at=timezone.now() - timedelta(days=40))
    client = client_for(PORTAL, coordinator)

    everything = {*(c.code for c in kaluga_codes), obninsk_code.code}

    def listed(query: str) -> set[str]:
        body = client.get(f"/coordinator/codes/?{query}").content.decode()
        return {code for code in everything if code in body}

    assert listed(f"municipality={obninsk.pk}") == {obninsk_code.code}
    assert listed(f"batch={kaluga_codes[0].batch}") == {c.code for c in kaluga_codes}
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert listed(f"issued_from={since}") == {c.code for c in kaluga_codes}
    assert listed(f"issued_to={since}") == {obninsk_code.code}
    typed = obninsk_code.code.replace("-", "")[2:9].lower()  # across a dash, in lower case
    assert listed(f"q={typed}") == {obninsk_code.code}
    assert listed("state=nonsense") == everything  # a bad filter is ignored, not an error


def test_the_code_list_costs_the_same_queries_with_more_codes(coordinator, kaluga, obninsk,
                                                             django_assert_num_queries):
    _issue(coordinator, kaluga, count=3)
    client = client_for(PORTAL, coordinator)
    client.get("/coordinator/codes/")  # warm up: the session and the sign-in
    with CaptureQueriesContext(connection) as few:
        assert client.get("/coordinator/codes/").status_code == 200
    for municipality in (kaluga, obninsk):
        for _ in range(3):
            _issue(coordinator, municipality, count=40)
    ActivationCode.objects.filter(pk__in=ActivationCode.objects.filter(status="active").values("pk")[:20]).update(
        status="revoked"
    )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/coordinator/codes/")
    assert response.status_code == 200
    assert len(response.context["codes"]) == 50  # one full page


# ---- revoking ------------------------------------------------------------------------


def test_revoking_a_code(coordinator, kaluga):
    (code,) = _issue(coordinator, kaluga)
    client = client_for(PORTAL, coordinator)
    response = client.post(f"/coordinator/codes/{code.pk}/revoke/", {"next": "/coordinator/codes/?state=active"},
                           REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302
    assert response["Location"] == "/coordinator/codes/?state=active"
    code.refresh_from_db()
    assert code.status == "revoked"
    assert code.revoked_by == coordinator
    assert code.revoked_at is not None
    entry = AuditEntry.objects.get(action="code.revoke", target_id=str(code.pk))
    assert entry.ip_address == "192.0.2.7"
    assert entry.region_id == kaluga.region_id
    again = client.post(f"/coordinator/codes/{code.pk}/revoke/", follow=True).content.decode()
    assert "Отозвать можно только неиспользованный код" in again


@pytest.mark.parametrize("status", ["used", "reserved"])
def test_a_used_or_reserved_code_cannot_be_revoked(coordinator, kaluga, status):
    (code,) = _issue(coordinator, kaluga)
    ActivationCode.objects.filter(pk=code.pk).update(status=status)
    code.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.code_revoke(actor=coordinator, code=code)
    assert error.value.code == "code_not_revocable"
    code.refresh_from_db()
    assert code.status == status
    assert not AuditEntry.objects.filter(action="code.revoke", target_id=str(code.pk)).exists()


def test_the_next_redirect_stays_on_the_site(coordinator, kaluga):
    (code,) = _issue(coordinator, kaluga)
    response = client_for(PORTAL, coordinator).post(
        f"/coordinator/codes/{code.pk}/revoke/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/coordinator/codes/"


def test_revoking_a_batch_leaves_used_and_reserved_codes(coordinator, kaluga):
    codes = _issue(coordinator, kaluga, count=4)
    ActivationCode.objects.filter(pk=codes[0].pk).update(status="used")
    ActivationCode.objects.filter(pk=codes[1].pk).update(status="reserved")
    response = client_for(PORTAL, coordinator).post(f"/coordinator/codes/batches/{codes[0].batch}/revoke/")
    assert response.status_code == 302
    statuses = dict(ActivationCode.objects.filter(batch=codes[0].batch).values_list("pk", "status"))
    assert statuses == {codes[0].pk: "used", codes[1].pk: "reserved", codes[2].pk: "revoked", codes[3].pk: "revoked"}
    entry = AuditEntry.objects.get(action="code.batch_revoke")
    assert entry.data == {"batch": str(codes[0].batch), "count": 2}


def test_another_regions_codes_are_404(coordinator, outsider, tula, kaluga):
    (theirs,) = _issue(outsider, tula)
    (mine,) = _issue(coordinator, kaluga)
    client = client_for(PORTAL, coordinator)
    assert client.post(f"/coordinator/codes/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/coordinator/codes/batches/{theirs.batch}/revoke/").status_code == 404
    assert client.post(f"/coordinator/codes/batches/{uuid.uuid4()}/revoke/").status_code == 404
    assert theirs.code not in client.get("/coordinator/codes/").content.decode()
    assert mine.code not in client_for(PORTAL, outsider).get("/coordinator/codes/").content.decode()
    theirs.refresh_from_db()
    assert theirs.status == "active"


# ---- exports -------------------------------------------------------------------------


def test_csv_export_has_a_bom_the_filtered_codes_and_an_audit_entry(coordinator, kaluga, obninsk):
    kaluga_codes = _issue(coordinator, kaluga, count=2)
    (other,) = _issue(coordinator, obninsk)
    response = client_for(PORTAL, coordinator).get(f"/coordinator/codes/export.csv?municipality={kaluga.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Код", "Регион", "Муниципалитет", "Статус", "Действует до"]
    exported = {row[0]: row for row in rows[1:]}
    assert set(exported) >= {c.code for c in kaluga_codes}
    assert other.code not in exported
    row = exported[kaluga_codes[0].code]
    assert row[1] == "Калужская область"
    assert row[2] == "городской округ «Город Калуга»"
    assert row[3] == "активен"
    assert row[7] == str(kaluga_codes[0].batch)
    entry = AuditEntry.objects.get(action="code.export_csv")
    assert entry.actor == coordinator
    assert entry.data["count"] == len(rows) - 1
    assert entry.data["filters"] == {"municipality": "городской округ «Город Калуга»"}


def test_print_sheet_has_one_card_per_usable_code(coordinator, kaluga):
    codes = _issue(coordinator, kaluga, count=3)
    services.code_revoke(actor=coordinator, code=codes[2])
    response = client_for(PORTAL, coordinator).get(f"/coordinator/codes/print/?batch={codes[0].batch}")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="code-card"') == 2
    assert codes[0].code in body
    assert codes[1].code in body
    assert codes[2].code not in body  # revoked codes never go on paper
    assert "городской округ «Город Калуга»" in body
    assert "http://parta.localhost/activate/" in body
    assert "Действует до" in body
    assert "@media print" not in body  # print CSS lives in the stylesheet
    assert "provisioning/coordinator.css" in body
    entry = AuditEntry.objects.get(action="code.print")
    assert entry.data["count"] == 2
    assert entry.data["filters"] == {"batch": str(codes[0].batch)}


def test_pdf_is_a_pdf_with_the_cards(coordinator, kaluga):
    codes = _issue(coordinator, kaluga, count=9)  # two pages of eight cards
    response = client_for(PORTAL, coordinator).get(f"/coordinator/codes/print.pdf?batch={codes[0].batch}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response.content.count(b"/Type /Page\n") + response.content.count(b"/Type /Page ") >= 2
    assert AuditEntry.objects.get(action="code.export_pdf").data["count"] == 9


# ---- the audit log -------------------------------------------------------------------


def test_audit_log_shows_the_regions_actions_only(coordinator, outsider, kaluga, tula):
    (mine,) = _issue(coordinator, kaluga)
    services.code_revoke(actor=coordinator, code=mine)
    _issue(outsider, tula, count=7)
    client = client_for(PORTAL, coordinator)
    body = client.get("/coordinator/audit/").content.decode().split('data-testid="audit"')[1]
    assert "Выпущены коды" in body
    assert "Отозван код" in body
    assert "Головина О. Б." in body
    assert "Тула" not in body
    only = client.get("/coordinator/audit/?action=code.revoke").content.decode().split('data-testid="audit"')[1]
    assert "Отозван код" in only
    assert "Выпущены коды" not in only
