"""The coordinator's pages and the public connection request form, on the portal."""

from django.urls import path

from provisioning.views import coordinator, public

app_name = "coordinator"
urlpatterns = [
    # Public: a school asks to be connected.
    path("connect/", public.connect, name="connect"),
    path("connect/sent/", public.connect_done, name="connect_done"),
    path("connect/municipalities/", public.connect_municipalities, name="connect_municipalities"),
    # The region's coordinator.
    path("coordinator/", coordinator.dashboard, name="dashboard"),
    path("coordinator/refresh/", coordinator.dashboard_refresh, name="dashboard_refresh"),
    path("coordinator/schools.xlsx", coordinator.dashboard_xlsx, name="dashboard_xlsx"),
    path("coordinator/requests/", coordinator.request_list, name="requests"),
    path("coordinator/requests/<int:request_id>/", coordinator.request_detail, name="request_detail"),
    path("coordinator/requests/<int:request_id>/approve/", coordinator.request_approve, name="request_approve"),
    path("coordinator/requests/<int:request_id>/reject/", coordinator.request_reject, name="request_reject"),
    path("coordinator/requests/<int:request_id>/code/", coordinator.request_code, name="request_code"),
    path("coordinator/codes/", coordinator.code_list, name="codes"),
    path("coordinator/codes/issue/", coordinator.code_issue, name="code_issue"),
    path("coordinator/codes/<int:code_id>/revoke/", coordinator.code_revoke, name="code_revoke"),
    path("coordinator/codes/batches/<uuid:batch>/revoke/", coordinator.code_batch_revoke, name="batch_revoke"),
    path("coordinator/codes/export.csv", coordinator.codes_csv, name="codes_csv"),
    path("coordinator/codes/print/", coordinator.codes_print, name="codes_print"),
    path("coordinator/codes/print.pdf", coordinator.codes_pdf, name="codes_pdf"),
    path("coordinator/audit/", coordinator.audit_log, name="audit"),
]
