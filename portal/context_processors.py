from django.conf import settings
from django.urls import translate_url


def languages(request):
    """Links to this very page in each language (no database, so error pages can use it too)."""
    path = request.get_full_path()
    return {
        "language_links": [
            {"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES
        ]
    }
