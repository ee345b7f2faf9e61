from .navigation import banners, nav_items


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav_items(request), "banners": banners(request)}
