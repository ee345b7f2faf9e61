"""Workbench pages of the ledger app (mounted under /ledger/)."""

app_name = "ledger"
urlpatterns = []
