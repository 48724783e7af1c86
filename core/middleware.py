from django.utils import translation


class ApiLanguageMiddleware:
    """The API has no language prefix in its paths, which LocaleMiddleware reads as the default
    language (nb). API clients say what they want with Accept-Language instead; honour it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers["Content-Language"] = language
        return response


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


class NulByteMiddleware:
    """PostgreSQL cannot store a NUL character: one in a submitted value would end as a 500
    wherever a form does not refuse it first (our forms do, core.forms.SafeTextMixin; the Wagtail
    admin's, allauth's and Django's own views do not). Refused here for every request, with 400
    and nothing stored: the API's JSON error under /api/, the friendly 400 page elsewhere. The
    API's JSON bodies are checked by its schemas (core.api.CleanStr)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        form_data = request.POST if request.method == "POST" else None
        if _has_nul(request.GET) or (form_data is not None and _has_nul(form_data)):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request):
        from django.http import JsonResponse
        from django.shortcuts import render

        from core.api import error_body
        from core.text import HIDDEN_CHARACTERS_MESSAGE

        if request.path.startswith("/api/"):
            return JsonResponse(error_body(str(HIDDEN_CHARACTERS_MESSAGE)), status=400)
        return render(request, "400.html", {"detail": HIDDEN_CHARACTERS_MESSAGE}, status=400)
