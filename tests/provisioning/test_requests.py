"""Connection requests: the public form (validation, honeypot, throttling) and the
coordinator's review (approve with or without a code, reject with a reason), with the
applicant's e-mails sent on commit and every step in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from provisioning.forms import inn_is_valid, ogrn_is_valid
from provisioning.models import ActivationCode, AuditEntry, ConnectionRequest
from provisioning.services import requests as services
from tenants.models import Region
from tests.conftest import client_for

PORTAL = "parta.localhost"


def make_inn(prefix: str) -> str:
    """A valid legal-entity INN starting with 9 given digits."""
    return next(prefix + str(d) for d in range(10) if inn_is_valid(prefix + str(d)))


def make_ogrn(prefix: str) -> str:
    return prefix + str(int(prefix) % 11 % 10)


@pytest.fixture
def form_data(region, kaluga) -> dict:
    return {
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 7» города Калуги",
        "short_name": "МБОУ СОШ № 7",
        "region": region.pk,
        "municipality": kaluga.pk,
        "address": "248000, г. Калуга, ул. Мира, д. 7",
        "inn": "4029 00701" + make_inn("402900701")[-1],  # spaces as people type them
        "ogrn": make_ogrn("102400000701"),
        "contact_name": "Петрова Вера Ивановна, заместитель директора",
        "email": "sosh7@kaluga.example",
        "phone": "8 (912) 345-67-89",
        "consent": "on",
    }


def _post(data: dict, ip: str = "198.51.100.7"):
    return client_for(PORTAL).post("/connect/", data, REMOTE_ADDR=ip)


def _request(region, municipality, **overrides) -> ConnectionRequest:
    fields = {
        "full_name": "МБОУ «Средняя школа № 9»", "short_name": "СОШ № 9", "region": region,
        "municipality": municipality, "address": "ул. Садовая, 9", "inn": make_inn("402900901"),
        "ogrn": make_ogrn("102400000901"), "contact_name": "Смирнов Олег", "email": "school9@example.ru",
        "phone": "+79120000009",
    }
    return ConnectionRequest.objects.create(**{**fields, **overrides})


# ---- the checksums ----------------------------------------------------------------------


def test_inn_and_ogrn_checksums_match_real_registrations():
    assert inn_is_valid("7707083893")  # ПАО Сбербанк
    assert ogrn_is_valid("1027700132195")
    assert not inn_is_valid("7707083894")
    assert not ogrn_is_valid("1027700132196")
    assert not inn_is_valid("770708389")
    assert not ogrn_is_valid("10277001321950")


# ---- the public form -------------------------------------------------------------------


def test_form_offers_regions_with_a_coordinator_and_their_municipalities(db, region, kaluga):
    Region.objects.create(name="Регион без координатора", code="99")
    body = client_for(PORTAL).get("/connect/").content.decode()
    assert "Заявка на подключение" in body
    assert "Калужская область" in body
    assert "Регион без координатора" not in body
    assert 'hx-get="/connect/municipalities/"' in body  # the dependent select


def test_municipality_options_follow_the_region(region, tula):
    body = client_for(PORTAL).get(f"/connect/municipalities/?region={region.pk}").content.decode()
    assert "Город Калуга" in body
    assert "Город Обнинск" in body
    assert "Город Тула" not in body
    other = client_for(PORTAL).get(f"/connect/municipalities/?region={tula.region_id}").content.decode()
    assert "Город Тула" in other
    assert "Город Калуга" not in other


def test_valid_request_is_saved_normalised_and_the_coordinator_is_told(
    form_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(form_data)
    assert response.status_code == 302
    assert response["Location"] == "/connect/sent/"
    saved = ConnectionRequest.objects.get(short_name="МБОУ СОШ № 7")
    assert saved.status == ConnectionRequest.Status.NEW
    assert saved.phone == "+79123456789"
    assert saved.inn == form_data["inn"].replace(" ", "")
    assert saved.ip_address == "198.51.100.7"
    entry = AuditEntry.objects.get(action="request.submit", target_id=str(saved.pk))
    assert entry.actor is None
    assert entry.region_id == saved.region_id
    assert entry.ip_address == "198.51.100.7"
    assert [m.to for m in mailoutbox] == [["coordinator@parta.test"]]
    assert mailoutbox[0].subject == "Новая заявка на подключение: МБОУ СОШ № 7"
    assert f"/coordinator/requests/{saved.pk}/" in mailoutbox[0].body
    done = client_for(PORTAL).get("/connect/sent/").content.decode()
    assert "Заявка отправлена" in done


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inn", "4029007010", "не совпадает контрольная цифра"),
        ("inn", "402900701", "10 цифр"),
        ("ogrn", "1024000007011", "не совпадает контрольная цифра"),
        ("ogrn", "10240000070", "13 цифр"),
        ("phone", "12-34", "Введите номер телефона"),
        ("email", "school-at-example", "адрес электронной почты"),
        ("consent", "", "Без этого согласия"),
        ("short_name", "", "Обязательное поле"),
    ],
)
def test_mistakes_are_explained_in_russian_and_nothing_is_saved(form_data, field, value, message, mailoutbox):
    if field == "inn":
        assert not inn_is_valid(value)  # the case really is a bad checksum or length
    before = ConnectionRequest.objects.count()
    response = _post({**form_data, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ConnectionRequest.objects.count() == before
    assert not AuditEntry.objects.filter(action="request.submit").exists()
    assert mailoutbox == []


def test_municipality_of_another_region_is_refused(form_data, tula):
    before = ConnectionRequest.objects.count()
    response = _post({**form_data, "municipality": tula.pk})
    assert response.status_code == 200
    assert "Этот муниципалитет не относится к выбранному региону" in response.content.decode()
    assert ConnectionRequest.objects.count() == before


def test_the_service_refuses_it_too(region, tula):
    with pytest.raises(ValidationError) as error:
        services.connection_request_submit(
            full_name="Школа", short_name="Школа", region=region, municipality=tula, address="—",
            inn=make_inn("402900702"), ogrn=make_ogrn("102400000702"), contact_name="—",
            email="a@example.ru", phone="+79120000000",
        )
    assert error.value.code == "municipality_other_region"
    assert not ConnectionRequest.objects.filter(municipality=tula).exists()


def test_a_second_request_with_the_same_inn_waits_for_the_first(form_data):
    assert _post(form_data).status_code == 302
    response = _post({**form_data, "short_name": "Ещё раз"})
    assert "уже рассматривается" in response.content.decode()
    assert ConnectionRequest.objects.filter(inn=form_data["inn"].replace(" ", "")).count() == 1


def test_honeypot_looks_like_success_but_saves_nothing(form_data, mailoutbox):
    before = ConnectionRequest.objects.count()
    response = _post({**form_data, "website": "http://spam.example"})
    assert response.status_code == 302
    assert response["Location"] == "/connect/sent/"
    assert ConnectionRequest.objects.count() == before
    assert mailoutbox == []


def test_one_network_may_send_five_requests_an_hour(form_data):
    for i in range(services.RATE_LIMIT):
        data = {**form_data, "short_name": f"СОШ № {i}", "inn": make_inn(f"4029100{i:02d}")}
        assert _post(data, ip="203.0.113.9").status_code == 302, i
    sixth = {**form_data, "inn": make_inn("402910099")}
    response = _post(sixth, ip="203.0.113.9")
    assert response.status_code == 429
    assert "Слишком много заявок" in response.content.decode()
    assert not ConnectionRequest.objects.filter(inn=sixth["inn"]).exists()
    # Another network is not affected.
    assert _post(sixth, ip="203.0.113.10").status_code == 302
    assert ConnectionRequest.objects.filter(inn=sixth["inn"]).exists()


# ---- the coordinator's queue ------------------------------------------------------------


def test_queue_shows_only_the_coordinators_region_filtered_by_status(coordinator, region, kaluga, tula):
    mine = _request(region, kaluga, short_name="Моя школа")
    _request(region, kaluga, short_name="Одобренная", status="approved", inn=make_inn("402900903"))
    theirs = _request(tula.region, tula, short_name="Тульская школа")
    client = client_for(PORTAL, coordinator)
    body = client.get("/coordinator/requests/").content.decode()
    assert "Моя школа" in body
    assert "Одобренная" not in body  # the default tab is "new"
    assert "Тульская школа" not in body
    approved = client.get("/coordinator/requests/?status=approved").content.decode()
    assert "Одобренная" in approved
    assert "Моя школа" not in approved
    assert "Тульская школа" not in client.get("/coordinator/requests/?status=all").content.decode()
    assert client.get(f"/coordinator/requests/{mine.pk}/").status_code == 200
    assert client.get(f"/coordinator/requests/{theirs.pk}/").status_code == 404
    assert client.post(f"/coordinator/requests/{theirs.pk}/approve/", {"issue_code": "on"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "new"


def _expiry(days: int = 30) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_approval_with_a_code_sends_the_code_and_the_address(
    coordinator, region, kaluga, mailoutbox, django_capture_on_commit_callbacks
):
    item = _request(region, kaluga)
    client = client_for(PORTAL, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/coordinator/requests/{item.pk}/approve/",
                               {"issue_code": "on", "expires_on": _expiry(30)}, REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "approved"
    assert item.reviewed_by == coordinator
    code = ActivationCode.objects.get(request=item)
    assert code.status == "active"
    assert code.municipality == kaluga
    assert timezone.localdate(code.expires_at) == timezone.localdate() + timedelta(days=30)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["school9@example.ru"]
    assert mail.subject == "Заявка на подключение одобрена: СОШ № 9"
    assert code.code in mail.body
    assert "http://parta.localhost/activate/" in mail.body
    actions = set(AuditEntry.objects.filter(region=region, actor=coordinator).values_list("action", flat=True))
    assert {"request.approve", "code.issue"} <= actions
    approve = AuditEntry.objects.get(action="request.approve", target_id=str(item.pk))
    assert approve.ip_address == "192.0.2.1"
    page = client.get(f"/coordinator/requests/{item.pk}/").content.decode()
    assert code.code in page
    assert "одобрена" in page


def test_approval_without_a_code_says_the_code_comes_later(
    coordinator, region, kaluga, mailoutbox, django_capture_on_commit_callbacks
):
    item = _request(region, kaluga)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(PORTAL, coordinator).post(f"/coordinator/requests/{item.pk}/approve/", {"expires_on": ""})
    item.refresh_from_db()
    assert item.status == "approved"
    assert not item.codes.exists()
    assert "придёт отдельным письмом" in mailoutbox[0].body


def test_a_later_code_replaces_the_earlier_unused_one(
    coordinator, region, kaluga, mailoutbox, django_capture_on_commit_callbacks
):
    item = _request(region, kaluga)
    _item, first = services.connection_request_approve(actor=coordinator, connection_request=item)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(PORTAL, coordinator).post(
            f"/coordinator/requests/{item.pk}/code/", {"expires_on": _expiry(10)}
        )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "revoked"
    second = item.codes.get(status="active")
    assert second.code in mailoutbox[-1].body
    assert mailoutbox[-1].subject == "Код активации для СОШ № 9"
    assert AuditEntry.objects.filter(action="code.revoke", target_id=str(first.pk)).exists()


def test_rejection_needs_a_reason_and_sends_it(
    coordinator, region, kaluga, mailoutbox, django_capture_on_commit_callbacks
):
    item = _request(region, kaluga)
    client = client_for(PORTAL, coordinator)
    response = client.post(f"/coordinator/requests/{item.pk}/reject/", {"reason": "   "})
    assert response.status_code == 400
    assert "Укажите причину" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "new"
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/coordinator/requests/{item.pk}/reject/", {"reason": "Нет лицензии на образование."})
    item.refresh_from_db()
    assert item.status == "rejected"
    assert item.reject_reason == "Нет лицензии на образование."
    assert mailoutbox[0].to == ["school9@example.ru"]
    assert mailoutbox[0].subject == "Заявка на подключение отклонена: СОШ № 9"
    assert "Нет лицензии на образование." in mailoutbox[0].body
    entry = AuditEntry.objects.get(action="request.reject", target_id=str(item.pk))
    assert entry.data["reason"] == "Нет лицензии на образование."
    assert not item.codes.exists()


def test_a_request_is_decided_once(coordinator, region, kaluga):
    item = _request(region, kaluga)
    services.connection_request_reject(actor=coordinator, connection_request=item, reason="Дубль")
    with pytest.raises(ValidationError) as error:
        services.connection_request_approve(actor=coordinator, connection_request=item)
    assert error.value.code == "request_not_new"
    response = client_for(PORTAL, coordinator).post(
        f"/coordinator/requests/{item.pk}/approve/", {"issue_code": "on", "expires_on": _expiry()}, follow=True
    )
    assert "Эта заявка уже рассмотрена" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "rejected"
    assert not item.codes.exists()


def test_no_email_leaves_when_the_decision_is_rolled_back(
    coordinator, region, kaluga, mailoutbox, django_capture_on_commit_callbacks
):
    item = _request(region, kaluga)

    def decide_then_fail() -> None:
        with transaction.atomic():
            services.connection_request_reject(actor=coordinator, connection_request=item, reason="Причина")
            raise RuntimeError("something later failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        decide_then_fail()
    assert mailoutbox == []
    item.refresh_from_db()
    assert item.status == "new"


def test_another_regions_coordinator_cannot_decide(outsider, tula, region, kaluga):
    item = _request(region, kaluga)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.connection_request_reject(actor=outsider, connection_request=item, reason="Не моя")
    item.refresh_from_db()
    assert item.status == "new"
