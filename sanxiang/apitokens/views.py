"""Workbench page "API 令牌": the user's own tokens, a creation form (the secret is shown
on the answer page only) and revocation (POST, CSRF)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sanxiang.core.errors import DomainError, ErrorCode

from . import services


class CreateTokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称/用途"), max_length=services.NAME_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"] = forms.IntegerField(
            label=gettext_lazy("有效期（天）"),
            min_value=1,
            max_value=services.max_days(),
            initial=services.default_days(),
        )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    form = CreateTokenForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.create_token(
                request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                via="workbench",
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            form = CreateTokenForm()
    ctx = {
        "form": form,
        "tokens": services.tokens_for(request.user),
        "created": created,
        "secret": secret,
        "default_days": services.default_days(),
        "max_days": services.max_days(),
    }
    return render(request, "apitokens/index.html", ctx, status=201 if created else 200)


@login_required
@require_POST
def revoke(request, pk):
    try:
        token = services.revoke_token(pk, actor=request.user)
    except DomainError as e:
        if e.code == ErrorCode.NOT_FOUND:  # another user's token is not there for this one
            raise Http404(e.message) from None
        raise
    messages.success(
        request, _("已吊销 API 令牌 %(p)s…（%(n)s）。") % {"p": token.prefix, "n": token.name}
    )
    return redirect("core:tokens")
