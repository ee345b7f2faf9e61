from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from sanxiang.core.navigation import workbench_panels


def home(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    return redirect("login")


@login_required
def workbench(request):
    return render(request, "core/workbench.html", {"panels": workbench_panels(request)})
